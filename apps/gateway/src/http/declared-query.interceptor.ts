import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { GridworkError } from '@gridwork/contracts';
import { OPERATION_DOC, type OperationDoc } from '../api-docs/operation.js';

/**
 * A query string on a route that declares none is refused, field by field,
 * as an unknown body field is: a misspelt filter must not quietly list
 * everything. (GeoReport's and the docs' routes take theirs as they come.)
 */
@Injectable()
export class DeclaredQueryOnly implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const doc = Reflect.getMetadata(OPERATION_DOC, context.getHandler()) as OperationDoc | undefined;
    const request = context.switchToHttp().getRequest<{ query?: Record<string, unknown> }>();
    const fields = Object.keys(request.query ?? {});
    if (doc && !doc.query && doc.signedIn !== false && fields.length > 0) {
      throw GridworkError.validation(fields.map((field) => ({ field, messages: [`property ${field} should not exist: this route takes no query`] })));
    }
    return next.handle();
  }
}
