import { Injectable, type NestMiddleware } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { ServiceMetrics } from '@gridwork/observability';

interface Incoming {
  method: string;
  route?: { path?: string };
}
interface Outgoing {
  statusCode: number;
  once(event: 'finish', listener: () => void): void;
}

/**
 * What operators watch at the HTTP edge: requests by route and status
 * (refused ones too: 401, 403, 429 for rate limits, which are counted here
 * and not written to the audit record) and how long they took. The route is
 * its pattern (`/grid/workers/:id`), never the path, so that ids do not
 * make a series each; what matched no route is `unmatched`.
 */
/** Nest answers what matched no route from a catch-all route of its own (`{/*splat}`): that is no route either. */
const routeOf = (request: Incoming): string => {
  const path = request.route?.path;
  return path === undefined || path.includes('*') ? 'unmatched' : path;
};

@Injectable()
export class HttpMetrics implements NestMiddleware {
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly duration: Histogram<'method' | 'route'>;

  constructor(metrics: ServiceMetrics) {
    this.requests = new Counter({
      name: 'gov_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [metrics.registry],
    });
    this.duration = new Histogram({
      name: 'gov_http_request_duration_seconds',
      help: 'Time from receiving an HTTP request to finishing its answer, by method and route pattern.',
      labelNames: ['method', 'route'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [metrics.registry],
    });
  }

  use(request: Incoming, response: Outgoing, next: () => void): void {
    const started = process.hrtime.bigint();
    response.once('finish', () => {
      const labels = { method: request.method, route: routeOf(request) };
      this.requests.inc({ ...labels, status: String(response.statusCode) });
      this.duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  }
}
