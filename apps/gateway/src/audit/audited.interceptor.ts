import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { HttpException, Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Logger } from 'pino';
import { catchError, from, mergeMap, type Observable, throwError } from 'rxjs';
import { GridworkError } from '@gridwork/contracts';
import { PINO_LOGGER } from '@gridwork/observability';
import type { Principal } from '../auth/grants.js';
import { HTTP_STATUS_OF, Unauthenticated } from '../http/errors.js';
import { originOf } from '../http/request.js';
import { AuditService } from './audit.service.js';

interface Incoming {
  method: string;
  originalUrl: string;
  route?: { path?: string };
  params: Record<string, string>;
  body?: unknown;
  ip?: string;
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
  /** Who acted when no one is signed in (an outside app by its key), set by the route. */
  auditAs?: string;
}

const statusOf = (error: unknown): number =>
  error instanceof GridworkError ? (HTTP_STATUS_OF[error.code] ?? 500) : error instanceof Unauthenticated ? 401 : error instanceof HttpException ? error.getStatus() : 500;

/**
 * Records every write (any method but GET and HEAD) on the controllers it is
 * put on, refused or not, once the answer is known. The body is not kept:
 * it may hold a password or a resident's phone; the route and its ids say
 * what was acted on.
 */
@Injectable()
export class Audited implements NestInterceptor {
  constructor(
    private readonly audit: AuditService,
    @Inject(PINO_LOGGER) private readonly log: Logger,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Incoming>();
    if (request.method === 'GET' || request.method === 'HEAD') return next.handle();
    const write = (status: number) => this.write(request, status);
    // Nest sets the status after interceptors: a success is the route's @HttpCode, else 201 for POST and 200 otherwise.
    const succeeded = (Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined) ?? (request.method === 'POST' ? 201 : 200);
    return next.handle().pipe(
      mergeMap((value) => from(write(succeeded).then(() => value))),
      catchError((error: unknown) => from(write(statusOf(error))).pipe(mergeMap(() => throwError(() => error)))),
    );
  }

  private async write(request: Incoming, status: number): Promise<void> {
    const attempted = (request.body as { username?: unknown } | undefined)?.username;
    try {
      await this.audit.record({
        accountId: request.principal?.accountId,
        username: request.principal?.username ?? request.auditAs ?? (typeof attempted === 'string' ? attempted.slice(0, 64) : undefined),
        method: request.method,
        route: request.route?.path ?? request.originalUrl,
        path: request.originalUrl,
        target: request.params ?? {},
        status,
        ...originOf(request),
      });
    } catch (err) {
      // A write that happened is not undone for want of its record; the log has it instead.
      this.log.error({ err, method: request.method, path: request.originalUrl, status }, 'could not record the write in the audit trail');
    }
  }
}
