import { validateMessage, type MessageClass } from '@gridwork/contracts';

/**
 * The gateway's own request bodies and query strings are checked by the
 * same rule as every NATS message: VALIDATION_FAILED naming each wrong
 * field, unknown fields refused.
 */
export const valid = <T extends object>(type: MessageClass<T>, raw: unknown): Promise<T> => validateMessage(type, raw ?? {});
