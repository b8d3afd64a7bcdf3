import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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

  readonly requestsRefused = new Counter({
    name: 'gov_requests_refused_total',
    help: 'Requests not served because of their reply subject (reply_subject: not the department\'s own inbox, or for the platform\'s callers, department="platform", not an inbox; no_reply: none), by department.',
    labelNames: ['department', 'reason'] as const,
    registers: [this.registry],
  });

  readonly eventsConsumed = new Counter({
    name: 'gov_events_consumed_total',
    help: 'Events handled by this service, by source stream and outcome (applied, duplicate, failed, dead_lettered, ignored).',
    labelNames: ['stream', 'outcome'] as const,
    registers: [this.registry],
  });

  /**
   * How long an event waited in JetStream before this service applied it: the
   * stream's store time to the commit of the handler's transaction. The outbox
   * part of an event's journey is `gov_outbox_publish_delay_seconds`.
   */
  readonly eventDelay = new Histogram({
    name: 'gov_event_delay_seconds',
    help: 'Time from an event being stored in its stream to this service applying it, by source stream.',
    labelNames: ['stream'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  readonly outboxPublished = new Counter({
    name: 'gov_outbox_published_total',
    help: 'Events the outbox relay has published to JetStream.',
    registers: [this.registry],
  });

  readonly outboxPublishDelay = new Histogram({
    name: 'gov_outbox_publish_delay_seconds',
    help: 'Time from an event being committed to the outbox to the relay publishing it to JetStream.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  /** Queue gauges, filled at scrape time by whoever registered `onScrape` (the messaging module). */
  readonly consumerPending = new Gauge({
    name: 'gov_consumer_pending_messages',
    help: 'Messages in a source stream not yet delivered to this service\'s durable consumer.',
    labelNames: ['stream', 'consumer'] as const,
    registers: [this.registry],
    collect: () => this.scrape(),
  });

  readonly consumerAckPending = new Gauge({
    name: 'gov_consumer_ack_pending_messages',
    help: 'Messages delivered to this service\'s durable consumer and not yet acknowledged.',
    labelNames: ['stream', 'consumer'] as const,
    registers: [this.registry],
    collect: () => this.scrape(),
  });

  readonly consumerRedelivered = new Gauge({
    name: 'gov_consumer_redelivered_messages',
    help: 'Messages of this service\'s durable consumer delivered more than once and still outstanding.',
    labelNames: ['stream', 'consumer'] as const,
    registers: [this.registry],
    collect: () => this.scrape(),
  });

  readonly outboxPending = new Gauge({
    name: 'gov_outbox_pending_events',
    help: 'Events committed to the outbox and not yet published.',
    registers: [this.registry],
    collect: () => this.scrape(),
  });

  readonly deadLetters = new Gauge({
    name: 'gov_dead_letter_messages',
    help: 'Events in this service\'s dead-letter stream, waiting for an operator to replay or drop them.',
    labelNames: ['stream'] as const,
    registers: [this.registry],
    collect: () => this.scrape(),
  });

  /** Filled at scrape time by the health check: what readiness (`/health/ready`) answers, as numbers. */
  readonly dependencyUp = new Gauge({
    name: 'gov_dependency_up',
    help: 'Whether this service reaches a dependency (postgresql, nats): 1 up, 0 down.',
    labelNames: ['dependency'] as const,
    registers: [this.registry],
    collect: () => this.scrape(),
  });

  readonly ready = new Gauge({
    name: 'gov_service_ready',
    help: 'Whether this service is ready (every dependency up), as /health/ready answers: 1 ready, 0 not.',
    registers: [this.registry],
    collect: () => this.scrape(),
  });

  private readonly scrapers: Array<() => Promise<void>> = [];

  /** Registers a function that refreshes gauges before each scrape. */
  onScrape(fn: () => Promise<void>): void {
    this.scrapers.push(fn);
  }

  private scraping?: Promise<void>;

  /** One refresh per scrape, however many gauges ask for it (prom-client collects them in parallel). */
  private scrape(): Promise<void> {
    this.scraping ??= Promise.all(this.scrapers.map((fn) => fn().catch(() => undefined))).then(() => {
      this.scraping = undefined;
    });
    return this.scraping;
  }

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
  }
}
