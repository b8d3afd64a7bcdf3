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
  let raw: unknown;
  try {
    raw = body.length === 0 ? {} : JSON.parse(new TextDecoder().decode(body));
  } catch (err) {
    throw GridworkError.validation([{ field: '$', messages: [`malformed JSON: ${(err as Error).message}`] }]);
  }
  return validateMessage(type, raw);
}

export async function validateMessage<T extends object>(type: MessageClass<T>, raw: unknown): Promise<T> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw GridworkError.validation([{ field: '$', messages: ['body must be a JSON object'] }]);
  }
  const instance = plainToInstance(type, raw);
  const errors = await validate(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: false,
    validationError: { target: false, value: false },
  });
  if (errors.length > 0) throw GridworkError.validation(flatten(errors));
  return instance;
}
