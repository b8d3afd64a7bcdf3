import { isDeepStrictEqual } from 'node:util';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { BaseRecordType, FieldError } from '@gridwork/contracts';
import { RECORD_TYPES } from './record-types.js';

/*
 * Attribute bags: checked per type with ajv (every error at once), patched
 * with JSON merge patch, compared for history, and stripped or masked of
 * sensitive values for lists and events.
 */

export type Attributes = Record<string, unknown>;

function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

// Strict mode refuses unknown keywords and formats, so a typo in the catalogue fails at start, not silently.
const ajv = new Ajv({ allErrors: true, strict: true });
ajv.addFormat('date', { type: 'string', validate: isCalendarDate });
ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

const validators = new Map<BaseRecordType, ValidateFunction>(
  Object.entries(RECORD_TYPES).map(([type, spec]) => [type as BaseRecordType, ajv.compile(spec.schema)]),
);

const unescapePointer = (token: string) => token.replace(/~1/g, '/').replace(/~0/g, '~');

function fieldOf(error: ErrorObject): string {
  const segments = error.instancePath === '' ? [] : error.instancePath.slice(1).split('/').map(unescapePointer);
  if (error.keyword === 'required') segments.push(String(error.params.missingProperty));
  if (error.keyword === 'additionalProperties') segments.push(String(error.params.additionalProperty));
  return segments.reduce((path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : `${path}.${segment}`), 'attributes');
}

function messageOf(error: ErrorObject, type: BaseRecordType): string {
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return `is not an attribute of ${type} (see base-record.types)`;
    case 'enum':
      return `must be one of: ${(error.params.allowedValues as unknown[]).join(', ')}`;
    case 'format':
      return error.params.format === 'date' ? 'must be a date YYYY-MM-DD' : `must be a ${error.params.format}`;
    default:
      return error.message ?? 'is invalid';
  }
}

/** Every wrong attribute as `attributes.<path>`, or an empty list. */
export function attributeErrors(type: BaseRecordType, attributes: Attributes): FieldError[] {
  const validate = validators.get(type)!;
  if (validate(attributes)) return [];
  const byField = new Map<string, string[]>();
  for (const error of validate.errors ?? []) {
    const field = fieldOf(error);
    const messages = byField.get(field) ?? [];
    const message = messageOf(error, type);
    if (!messages.includes(message)) messages.push(message);
    byField.set(field, messages);
  }
  return [...byField].map(([field, messages]) => ({ field, messages }));
}

const isPlainObject = (value: unknown): value is Attributes => typeof value === 'object' && value !== null && !Array.isArray(value);

/** JSON merge patch (RFC 7386): `null` removes a member, objects merge recursively, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const result: Attributes = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** Top-level attributes whose values differ, in a stable order. */
export function changedAttributes(before: Attributes, after: Attributes): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.filter((key) => !isDeepStrictEqual(before[key], after[key]));
}

/** Keeps the first 3 and last 4 characters: enough to tell numbers apart, not to use one. */
export function maskIdNumber(value: string): string {
  return value.length <= 7 ? '*'.repeat(value.length) : `${value.slice(0, 3)}${'*'.repeat(value.length - 7)}${value.slice(-4)}`;
}

/** Phone numbers keep their first 3 and last 4 digits (138****5678) like ID numbers; short ones are hidden. */
export const maskValue = (value: unknown): unknown => (typeof value === 'string' ? maskIdNumber(value) : '***');

/** A copy with each sensitive path (`phone`, `emergencyContact.phone`) masked, or removed when `mask` is omitted. */
export function withoutSensitive(type: BaseRecordType, attributes: Attributes, mask?: (value: unknown) => unknown): Attributes {
  const copy = structuredClone(attributes);
  for (const path of RECORD_TYPES[type].sensitive) {
    const keys = path.split('.');
    let holder: unknown = copy;
    for (const key of keys.slice(0, -1)) holder = isPlainObject(holder) ? holder[key] : undefined;
    const last = keys[keys.length - 1]!;
    if (!isPlainObject(holder) || !(last in holder)) continue;
    if (mask) holder[last] = mask(holder[last]);
    else delete holder[last];
  }
  return copy;
}
