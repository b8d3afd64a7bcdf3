import { createHash } from 'node:crypto';
import { Injectable, StreamableFile, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { map, type Observable } from 'rxjs';

interface Reply {
  status(code: number): Reply;
  getHeader(name: string): unknown;
  setHeader(name: string, value: string): void;
}

/**
 * Every JSON answer to a GET carries an ETag made from its content, and a
 * request whose If-None-Match names it is answered 304 with no body: a
 * console or department system polling a queue or a list re-reads it only
 * when something in it changed. A route that knows a cheaper tag (a case's
 * version) sets its own, and this leaves it alone. The tag is per answer,
 * so it differs between people who see different lists.
 */
@Injectable()
export class ContentETag implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<{ method: string; headers: Record<string, string | string[] | undefined> }>();
    if (request.method !== 'GET') return next.handle();
    const reply = http.getResponse<Reply>();
    return next.handle().pipe(
      map((body: unknown) => {
        if (body === undefined || body === null || body instanceof StreamableFile || Buffer.isBuffer(body) || reply.getHeader('ETag') !== undefined) return body;
        const etag = `"${createHash('sha256').update(typeof body === 'string' ? body : JSON.stringify(body)).digest('base64url').slice(0, 32)}"`;
        reply.setHeader('ETag', etag);
        if (!matches(request.headers['if-none-match'], etag)) return body;
        reply.status(304);
        return undefined;
      }),
    );
  }
}

/** If-None-Match compares weakly (RFC 9110 13.1.2): a tag matches with or without `W/`; `*` matches any. */
export function matches(ifNoneMatch: string | string[] | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const tags = (Array.isArray(ifNoneMatch) ? ifNoneMatch.join(',') : ifNoneMatch).split(',').map((tag) => tag.trim().replace(/^W\//, ''));
  return tags.includes('*') || tags.includes(etag.replace(/^W\//, ''));
}
