import { ArgumentsHost, Catch, HttpException, HttpStatus, Inject, type ExceptionFilter } from '@nestjs/common';
import type { Logger } from 'pino';
import { ErrorCode, GridworkError, type FieldError } from '@gridwork/contracts';
import { PINO_LOGGER } from '@gridwork/observability';
import { HTTP_STATUS_OF, Unauthenticated, type GatewayErrorBody, type GatewayErrorCode } from './error-codes.js';
import { Open311ErrorFilter } from '../open311/open311-errors.js';

export * from './error-codes.js';

interface Reply {
  status(code: number): Reply;
  header(name: string, value: string): Reply;
  json(body: unknown): void;
}

@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly open311 = new Open311ErrorFilter();

  constructor(@Inject(PINO_LOGGER) private readonly log: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    // GeoReport's routes answer errors in GeoReport's form, also those that fail before the route (a body of the wrong type).
    if (host.switchToHttp().getRequest<{ originalUrl?: string }>().originalUrl?.startsWith('/open311/')) return this.open311.catch(error, host);
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
    if (status === HttpStatus.UNSUPPORTED_MEDIA_TYPE) return [status, bodyOf('UNSUPPORTED_MEDIA_TYPE', error.message)];
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
