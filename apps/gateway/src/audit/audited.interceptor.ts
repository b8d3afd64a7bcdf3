import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { HttpException, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { catchError, from, mergeMap, type Observable, throwError } from 'rxjs';
import { GridworkError } from '@gridwork/contracts';
import { HTTP_STATUS_OF, Unauthenticated } from '../http/errors.js';
import { AuditService, type AuditedRequest } from './audit.service.js';

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
  constructor(private readonly audit: AuditService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<AuditedRequest>();
    if (request.method === 'GET' || request.method === 'HEAD') return next.handle();
    const write = (status: number) => this.audit.recordRequest(request, status);
    // Nest sets the status after interceptors: a success is the route's @HttpCode, else 201 for POST and 200 otherwise.
    const succeeded = (Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined) ?? (request.method === 'POST' ? 201 : 200);
    return next.handle().pipe(
      mergeMap((value) => from(write(succeeded).then(() => value))),
      catchError((error: unknown) => from(write(statusOf(error))).pipe(mergeMap(() => throwError(() => error)))),
    );
  }
}
