import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One Prometheus registry per process, with the metrics every service reports. */
export class ServiceMetrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: 'gov_requests_total',
    help: 'Requests handled, by endpoint subject and outcome (ok or error code).',
    labelNames: ['subject', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly requestDuration = new Histogram({
    name: 'gov_request_duration_seconds',
    help: 'Time from receiving a request to sending its reply.',
    labelNames: ['subject'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly eventsConsumed = new Counter({
    name: 'gov_events_consumed_total',
    help: 'Events handled by this service, by source stream and outcome (applied, duplicate, failed, dead_lettered, ignored).',
    labelNames: ['stream', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly outboxPublished = new Counter({
    name: 'gov_outbox_published_total',
    help: 'Events the outbox relay has published to JetStream.',
    registers: [this.registry],
  });

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
  }
}
