import { HttpException, HttpStatus } from '@nestjs/common';

interface Incoming {
  method: string;
  originalUrl: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Bodies the gateway reads: JSON, and GeoReport's form encoding on its own routes. */
const accepted = (path: string): RegExp => (path.startsWith('/open311/') ? /^application\/(json|x-www-form-urlencoded)\b/i : /^application\/json\b/i);

/**
 * Refuses a body of a type the gateway does not read (415), rather than
 * taking it as no body: a `text/plain` PATCH would otherwise reach the
 * service as a change of nothing.
 */
export function onlyKnownBodies(request: Incoming, _response: unknown, next: (error?: unknown) => void): void {
  const length = Number(request.headers['content-length'] ?? 0);
  const hasBody = length > 0 || request.headers['transfer-encoding'] !== undefined;
  const type = String(request.headers['content-type'] ?? '');
  if (hasBody && !accepted(request.originalUrl).test(type)) {
    next(new HttpException(`a body of type ${type || 'unknown'} is not read here: send application/json`, HttpStatus.UNSUPPORTED_MEDIA_TYPE));
    return;
  }
  next();
}
