import type { MessageClass } from '@gridwork/contracts';

/**
 * A query string's values as the request class declares its fields: numbers
 * and booleans from their text, arrays comma separated. A value that does
 * not convert stays text, and validation names the field.
 */
export function coerceQuery(type: MessageClass<object>, query: Record<string, unknown>): Record<string, unknown> {
  const request: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(query)) {
    if (typeof value !== 'string') {
      request[field] = value;
      continue;
    }
    const declared = Reflect.getMetadata('design:type', type.prototype, field) as unknown;
    if (declared === Number && /^-?\d+(\.\d+)?$/.test(value)) request[field] = Number(value);
    else if (declared === Boolean && (value === 'true' || value === 'false')) request[field] = value === 'true';
    else if (declared === Array) request[field] = value.split(',').filter(Boolean);
    else request[field] = value;
  }
  return request;
}
