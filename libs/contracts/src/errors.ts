/**
 * The closed set of error codes a Gridwork reply may carry (architecture.md,
 * Messaging). Callers branch on the code, people read the message.
 */
export const ErrorCode = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  FORBIDDEN: 'FORBIDDEN',
  NOT_ADMITTED: 'NOT_ADMITTED',
  UNAVAILABLE: 'UNAVAILABLE',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
export const ERROR_CODES: readonly ErrorCode[] = Object.values(ErrorCode);

/** One wrong field: `field` is a path such as `location.point[1]`; `$` is the whole body. */
export interface FieldError {
  field: string;
  messages: string[];
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: FieldError[];
}

/**
 * An error with a reply code. Thrown by handlers to answer with that code, and
 * by `GridworkClient` when a service answers with an error.
 */
export class GridworkError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldError[],
  ) {
    super(message);
    this.name = 'GridworkError';
  }

  static validation(details: FieldError[], message?: string): GridworkError {
    const fields = details.map((d) => d.field).join(', ');
    return new GridworkError(ErrorCode.VALIDATION_FAILED, message ?? `invalid fields: ${fields}`, details);
  }

  static notFound(what: string): GridworkError {
    return new GridworkError(ErrorCode.NOT_FOUND, `${what} not found`);
  }

  toBody(): ErrorBody {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}
