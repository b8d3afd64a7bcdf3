import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validate, type ValidationError } from 'class-validator';
import { GridworkError, type FieldError } from './errors.js';

/*
 * class-validator looks up a class's rules on every validation by scanning
 * every class it knows (to find inherited rules). With the whole platform's
 * contracts loaded that scan dominated request handling, so the lookup is
 * remembered per class. Rules are attached when a class is declared, before
 * anything of that class is validated; the cache is dropped whenever rules
 * are added, so a class declared later (a test's fixture) is still seen whole.
 */
{
  const storage = getMetadataStorage();
  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  const addMetadata = storage.addValidationMetadata.bind(storage);
  // Nested objects are validated with their parent's class name as `schema`, so that is part of the key.
  let cache = new Map<unknown, Map<string | undefined, ReturnType<typeof lookup>>>();
  storage.addValidationMetadata = (metadata) => {
    cache = new Map();
    addMetadata(metadata);
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    // Only the options Gridwork validates with are remembered; anything else is looked up as before.
    if (always || strictGroups || (groups && groups.length > 0)) return lookup(target, schema, always, strictGroups, groups);
    let bySchema = cache.get(target);
    if (!bySchema) cache.set(target, (bySchema = new Map()));
    let found = bySchema.get(schema);
    if (!found) bySchema.set(schema, (found = lookup(target, schema, always, strictGroups, groups)));
    return found;
  };
}

export type MessageClass<T> = new () => T;

/** Largest request or event body a service accepts, in bytes. */
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const key = /^\d+$/.test(error.property) ? `[${error.property}]` : error.property;
    const field = parent === '' ? key : key.startsWith('[') ? `${parent}${key}` : `${parent}.${key}`;
    if (error.constraints) out.push({ field, messages: Object.values(error.constraints) });
    if (error.children?.length) out.push(...flatten(error.children, field));
  }
  return out;
}

/*
 * Keys JavaScript gives a meaning of its own. class-transformer drops
 * `__proto__` and `constructor` without a word, and code that merges objects
 * can be led by them to change Object.prototype, so they are refused wherever
 * they appear in a body, like any unknown field. JSON.parse makes them plain
 * own properties, so parsing alone changes nothing.
 */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/**
 * Whether a JSON text can hold a reserved key, or a NUL character: by name,
 * or spelt with an escape of an ASCII character (the keys are ASCII; escaped
 * Chinese text, as many JSON writers send it, needs no look). JSON can carry
 * NUL only as the escape `\u0000`.
 */
const MAY_HOLD_RESERVED_KEY = /__proto__|constructor|prototype|\\u00[0-7]/;

/** U+0000, which PostgreSQL's text cannot hold: a string with it would fail at the database, not here. */
const NUL = '\u0000';
const NUL_MESSAGE = 'contains the character U+0000 (NUL), which cannot be stored';

/**
 * Every reserved key, and every key or string with a NUL character, in a
 * parsed body, named as validation names fields (`tag.__proto__`,
 * `points[0].constructor`, `description`).
 */
function reservedKeys(body: unknown): FieldError[] {
  const found: FieldError[] = [];
  // A stack rather than recursion: a deeply nested body must not overflow it.
  const stack: Array<[unknown, string]> = [[body, '']];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes(NUL)) found.push({ field: path || '$', messages: [NUL_MESSAGE] });
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push([item, `${path}[${i}]`]));
    } else if (typeof value === 'object' && value !== null) {
      for (const key of Object.keys(value)) {
        const field = path === '' ? key : `${path}.${key}`;
        if (RESERVED_KEYS.has(key)) found.push({ field, messages: [`property ${key} should not exist`] });
        else if (key.includes(NUL)) found.push({ field: field.replaceAll(NUL, '\\u0000'), messages: [NUL_MESSAGE] });
        else stack.push([(value as Record<string, unknown>)[key], field]);
      }
    }
  }
  return found;
}

/**
 * Turns a raw message body into a validated instance of `type`, or throws
 * VALIDATION_FAILED naming every wrong field. Unknown fields are refused so a
 * misspelt optional field is reported instead of silently ignored.
 */
export async function parseMessage<T extends object>(
  type: MessageClass<T>,
  body: Uint8Array,
  maxBytes = DEFAULT_MAX_BODY_BYTES,
): Promise<T> {
  if (body.length > maxBytes) {
    throw GridworkError.validation([
      { field: '$', messages: [`body is ${body.length} bytes, over the limit of ${maxBytes}`] },
    ]);
  }
  const text = new TextDecoder().decode(body);
  let raw: unknown;
  try {
    raw = body.length === 0 ? {} : JSON.parse(text);
  } catch (err) {
    throw GridworkError.validation([{ field: '$', messages: [`malformed JSON: ${(err as Error).message}`] }]);
  }
  return validateMessage(type, raw, text);
}

/**
 * Validates an already parsed body. `json`, the text it was parsed from, lets
 * the look for reserved keys be skipped when the text cannot hold one, which
 * is nearly always.
 */
export async function validateMessage<T extends object>(type: MessageClass<T>, raw: unknown, json?: string): Promise<T> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw GridworkError.validation([{ field: '$', messages: ['body must be a JSON object'] }]);
  }
  const reserved = json === undefined || MAY_HOLD_RESERVED_KEY.test(json) ? reservedKeys(raw) : [];
  const instance = plainToInstance(type, raw);
  const errors = await validate(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: false,
    validationError: { target: false, value: false },
  });
  if (reserved.length === 0 && errors.length === 0) return instance;
  // `prototype` is an unknown field to class-validator as well: name it once.
  const named = new Set(reserved.map((error) => error.field));
  throw GridworkError.validation([...reserved, ...flatten(errors).filter((error) => !named.has(error.field))]);
}
