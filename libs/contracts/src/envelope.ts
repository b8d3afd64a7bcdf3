import type { ErrorBody } from './errors.js';

/** Every request/reply answer is one of these two shapes. */
export type ReplyEnvelope<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

export const okReply = <T>(data: T): ReplyEnvelope<T> => ({ ok: true, data });
export const errorReply = (error: ErrorBody): ReplyEnvelope<never> => ({ ok: false, error });
