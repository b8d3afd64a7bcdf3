import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { GridworkError } from '@gridwork/contracts';
import { GATEWAY_ERROR_STATUS, Unauthenticated } from '../http/error-codes.js';
import { CONTENT_TYPE, errorsOf, render, type Format } from './georeport.js';

interface Sent {
  status(code: number): Sent;
  setHeader(name: string, value: string): void;
  send(body: string): void;
}

/** The format a request's path asks for (`.xml` or `.json`; XML when it names none that GeoReport has). */
const formatOfPath = (path: string): Format => (path.endsWith('.json') ? 'json' : 'xml');

/**
 * Every error on GeoReport's routes in its own form, `[{code, description}]`,
 * as JSON or XML, with the HTTP status: on the controller, and called by the
 * gateway's own filter for what fails before a route is reached.
 */
@Catch()
export class Open311ErrorFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<{ originalUrl: string }>();
    const reply = host.switchToHttp().getResponse<Sent>();
    const format = formatOfPath(request.originalUrl.split('?')[0]!);
    let status = 500;
    let body = errorsOf(500, 'internal error');
    if (error instanceof GridworkError) {
      status = GATEWAY_ERROR_STATUS[error.code] ?? 500;
      body = errorsOf(status, error.message, error.details);
    } else if (error instanceof Unauthenticated) {
      status = 403;
      body = errorsOf(403, error.message);
    } else if (error instanceof HttpException) {
      status = error.getStatus();
      body = errorsOf(status, status === 400 ? 'malformed request body' : error.message);
    }
    reply.status(status);
    reply.setHeader('Content-Type', CONTENT_TYPE[format]);
    reply.send(render(format, body, 'errors', 'error'));
  }
}

