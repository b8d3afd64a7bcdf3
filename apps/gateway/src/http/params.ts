import { GridworkError } from '@gridwork/contracts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path parameter that must be a UUID, refused as VALIDATION_FAILED naming the parameter. */
export function uuidParam(value: string, name: string): string {
  if (!UUID.test(value)) throw GridworkError.validation([{ field: name, messages: [`${name} must be a UUID`] }]);
  return value;
}
