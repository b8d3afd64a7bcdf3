import { ArgumentsHost, Catch, HttpException, HttpStatus, Inject, type ExceptionFilter } from '@nestjs/common';
import type { Logger } from 'pino';
import { ErrorCode, GridworkError, type ErrorBody, type FieldError } from '@gridwork/contracts';
import { PINO_LOGGER } from '@gridwork/observability';

/**
 * Errors over HTTP. A service's reply envelope keeps its code, message and
 * details; the code picks the status. The gateway's own refusals use the
 * same body, with codes NATS callers never see: UNAUTHENTICATED (401,
 * no or a bad sign-in), TOO_LARGE (413) and RATE_LIMITED (429).
 */
export const HTTP_STATUS_OF: Record<ErrorCode, number> = {
  [ErrorCode.VALIDATION_FAILED]: HttpStatus.BAD_REQUEST,
  [ErrorCode.NOT_FOUND]: HttpStatus.NOT_FOUND,
  [ErrorCode.CONFLICT]: HttpStatus.CONFLICT,
  [ErrorCode.FORBIDDEN]: HttpStatus.FORBIDDEN,
  [ErrorCode.NOT_ADMITTED]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ErrorCode.UNAVAILABLE]: HttpStatus.SERVICE_UNAVAILABLE,
  [ErrorCode.INTERNAL]: HttpStatus.INTERNAL_SERVER_ERROR,
};

export type GatewayErrorCode = ErrorCode | 'UNAUTHENTICATED' | 'TOO_LARGE' | 'RATE_LIMITED';

/** The status of every code the gateway answers. */
export const GATEWAY_ERROR_STATUS: Record<GatewayErrorCode, number> = {
  ...HTTP_STATUS_OF,
  UNAUTHENTICATED: HttpStatus.UNAUTHORIZED,
  TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
  RATE_LIMITED: HttpStatus.TOO_MANY_REQUESTS,
};
export type GatewayErrorBody = Omit<ErrorBody, 'code'> & { code: GatewayErrorCode };

/** No sign-in, a bad or expired token, or a wrong password: 401. */
export class Unauthenticated extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Unauthenticated';
  }
}

/** A refusal as a GridworkError: FORBIDDEN with the reason. */
export const forbidden = (reason: string): GridworkError => new GridworkError(ErrorCode.FORBIDDEN, reason);

interface Reply {
  status(code: number): Reply;
  header(name: string, value: string): Reply;
  json(body: unknown): void;
}

@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(@Inject(PINO_LOGGER) private readonly log: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<Reply>();
    const [status, body] = this.answer(error);
    if (status === HttpStatus.UNAUTHORIZED) reply.header('WWW-Authenticate', 'Bearer');
    reply.status(status).json(body);
  }

  private answer(error: unknown): [number, GatewayErrorBody] {
    if (error instanceof GridworkError) return [HTTP_STATUS_OF[error.code] ?? 500, bodyOf(error.code, error.message, error.details)];
    if (error instanceof Unauthenticated) return [HttpStatus.UNAUTHORIZED, bodyOf('UNAUTHENTICATED', error.message)];
    if (error instanceof HttpException) return this.fromHttpException(error);
    this.log.error({ err: error }, 'request failed');
    return [HttpStatus.INTERNAL_SERVER_ERROR, bodyOf(ErrorCode.INTERNAL, 'internal error')];
  }

  /** What Nest and its body parser throw: a malformed or oversized body, an unknown route. */
  private fromHttpException(error: HttpException): [number, GatewayErrorBody] {
    const status = error.getStatus();
    const cause = error.cause as { type?: string; message?: string } | undefined;
    if (status === HttpStatus.PAYLOAD_TOO_LARGE) return [status, bodyOf('TOO_LARGE', 'the request body is too large')];
    if (status === HttpStatus.TOO_MANY_REQUESTS) return [status, bodyOf('RATE_LIMITED', error.message)];
    if (status === HttpStatus.BAD_REQUEST) {
      const message = cause?.message ?? error.message;
      return [status, bodyOf(ErrorCode.VALIDATION_FAILED, `invalid fields: $`, [{ field: '$', messages: [`malformed body: ${message}`] }])];
    }
    if (status === HttpStatus.NOT_FOUND) return [status, bodyOf(ErrorCode.NOT_FOUND, error.message)];
    if (status >= 500) this.log.error({ err: error }, 'request failed');
    return [status, bodyOf(status >= 500 ? ErrorCode.INTERNAL : ErrorCode.VALIDATION_FAILED, error.message)];
  }
}

const bodyOf = (code: GatewayErrorCode, message: string, details?: FieldError[]): GatewayErrorBody => ({ code, message, ...(details?.length ? { details } : {}) });
