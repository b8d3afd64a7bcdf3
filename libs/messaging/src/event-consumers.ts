import { jetstream, type JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import {
  ErrorCode,
  GridworkError,
  Headers,
  continueTrace,
  deadLetterSubjectOf,
  eventSubjectsOf,
  streamNameOf,
  parseMessage,
  type EventDefinition,
} from '@gridwork/contracts';
import {
  eventMetaOf,
  storedEventOf,
  startDurableConsumer,
  type RetryPolicy,
  type RunningConsumer,
  type StoredEvent,
} from '@gridwork/client';
import { runWithTrace, type ServiceMetrics } from '@gridwork/observability';
import { isDatabaseUnavailable } from '@gridwork/persistence';
import type { EventContext } from './contexts.js';
import { publishInTransaction } from './outbox.js';

export type EventHandler = (payload: object, context: EventContext) => Promise<void>;
export type ApplyOutcome = 'applied' | 'duplicate' | 'ignored';

const isPermanent = (error: unknown) => error instanceof GridworkError && error.code === ErrorCode.VALIDATION_FAILED;

/**
 * Runs this service's event handlers: one durable consumer per source stream,
 * named after this service, so replicas share the work. Each event is applied
 * in a transaction together with its inbox row, so a redelivery is
 * acknowledged without effect; events that arrive together share one
 * transaction. Failures retry with backoff; after the last
 * allowed delivery the event goes to this service's dead-letter stream.
 */
export class EventConsumers {
  private readonly handlers = new Map<string, Array<{ event: EventDefinition<object>; handle: EventHandler }>>();
  private running: RunningConsumer[] = [];

  constructor(
    private readonly nc: NatsConnection,
    private readonly dataSource: DataSource,
    private readonly options: { service: string; retry: RetryPolicy; eventLingerMs: number },
    private readonly log: Logger,
    private readonly metrics: ServiceMetrics,
  ) {}

  register(event: EventDefinition<object>, handle: EventHandler): void {
    // Handlers are found by exact subject; an addressed event's subjects carry a department each.
    if (event.addressed) throw new Error(`@OnEvent(${event.subject}): events addressed to departments are for department systems (GridworkClient.consume)`);
    const list = this.handlers.get(event.subject) ?? [];
    list.push({ event, handle });
    this.handlers.set(event.subject, list);
  }

  get sources(): string[] {
    return [...new Set([...this.handlers.values()].map((list) => list[0]!.event.service))].sort();
  }

  async start(): Promise<void> {
    for (const source of this.sources) {
      const stream = streamNameOf(source);
      // The histogram's series exist from the start, so a rate over them counts the first events too.
      this.metrics.eventDelay.zero({ stream });
      this.running.push(
        await startDurableConsumer(this.nc, {
          stream,
          durable: this.options.service,
          filterSubject: eventSubjectsOf(source),
          retry: this.options.retry,
          lingerMs: this.options.eventLingerMs,
          // At saturation a transaction then carries up to 500 events (the relay's pass): the
          // per-transaction costs (inbox insert, commit, a read model's batched statements) are paid
          // five times less often than with 100. The pull fetches a batch and a half ahead.
          maxBatch: 500,
          batch: 768,
          isPermanent,
          // The database away is no fault of the event: wait for it, however long, and dead-letter nothing.
          isOutage: isDatabaseUnavailable,
          onOutage: (err, pauses) => {
            if (pauses === 1 || pauses % 20 === 0) this.log.warn({ stream, err, pauses }, 'event handling paused: the database is unavailable; trying again');
          },
          handle: async (message) => {
            const outcome = await this.apply(source, storedEventOf(message));
            this.count(stream, message, outcome);
          },
          handleBatch: async (messages) => {
            const outcomes = await this.applyBatch(source, messages.map(storedEventOf));
            outcomes.forEach((outcome, i) => this.count(stream, messages[i]!, outcome));
          },
          onWaiting: (missing, err) => this.log.warn({ stream: missing, err }, `waiting for stream ${missing}: has its service run yet?`),
          onError: (message, err, willRetry) => {
            this.metrics.eventsConsumed.inc({ stream, outcome: 'failed' });
            this.log.warn({ err, subject: message.subject, deliveries: message.info.deliveryCount, willRetry }, 'event handler failed');
          },
          giveUp: async (message, error) => {
            await this.deadLetter(source, message, error);
            this.metrics.eventsConsumed.inc({ stream, outcome: 'dead_lettered' });
          },
        }),
      );
    }
  }

  /** Counts a handled event, and for an applied one how long it waited since its stream stored it (the event-delay objective). */
  private count(stream: string, message: JsMsg, outcome: ApplyOutcome): void {
    this.metrics.eventsConsumed.inc({ stream, outcome });
    if (outcome === 'applied') this.metrics.eventDelay.observe({ stream }, Math.max(0, Date.now() - message.info.timestampNanos / 1e6) / 1000);
  }

  async stop(): Promise<void> {
    await Promise.all(this.running.map((c) => c.stop()));
    this.running = [];
  }

  /** The inbox key of this service's consumer of `source`'s stream. */
  consumerKey(source: string): string {
    return `${this.options.service}<-${source}`;
  }

  /** Applies one stored event exactly once in effect; throws when a handler fails. */
  async apply(source: string, event: StoredEvent): Promise<ApplyOutcome> {
    const [outcome] = await this.applyBatch(source, [event]);
    return outcome!;
  }

  /**
   * Applies events in order in one transaction, each at most once: the inbox
   * rows are inserted first, and only events whose row is new run their
   * handlers. All or nothing: a throw rolls back every event of the batch.
   */
  async applyBatch(source: string, events: StoredEvent[]): Promise<ApplyOutcome[]> {
    const decoded = await Promise.all(events.map((event) => this.decode(event)));
    const ids = decoded.flatMap((d) => (d ? [d.meta.eventId] : []));
    if (ids.length === 0) return events.map(() => 'ignored');
    return this.dataSource.transaction(async (em) => {
      const inserted: Array<{ event_id: string }> = await em.query(
        'INSERT INTO inbox (consumer, event_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING RETURNING event_id',
        [this.consumerKey(source), ids],
      );
      const fresh = new Set(inserted.map((row) => row.event_id));
      const outcomes: ApplyOutcome[] = [];
      // What every handler of this transaction shares; only the event's own meta and trace differ.
      const shared = new Map<object, { value: unknown; finish: (value: unknown, em: EntityManager) => Promise<void> }>();
      const publish: EventContext['publish'] = (e, p, o) => publishInTransaction(em, e, p, { department: o?.department });
      const batched: EventContext['batched'] = (key, start, finish) => {
        let entry = shared.get(key);
        if (!entry) shared.set(key, (entry = { value: start(), finish: finish as (value: unknown, em: EntityManager) => Promise<void> }));
        return entry.value as ReturnType<typeof start>;
      };
      for (const d of decoded) {
        if (!d) {
          outcomes.push('ignored');
        } else if (!fresh.delete(d.meta.eventId)) {
          outcomes.push('duplicate');
        } else {
          const context: EventContext = { meta: d.meta, trace: d.trace, em, publish, batched };
          await runWithTrace(d.trace, async () => {
            for (const subscriber of d.subscribers) await subscriber.handle(d.payload, context);
          });
          outcomes.push('applied');
        }
      }
      for (const { value, finish } of shared.values()) await finish(value, em);
      return outcomes;
    });
  }

  /** Validates a stored event against its contract; null when this service has no handler for it. */
  private async decode(event: StoredEvent) {
    const subscribers = this.handlers.get(event.subject);
    if (!subscribers) return null;
    const meta = eventMetaOf(event);
    if (!meta.eventId) {
      throw GridworkError.validation([{ field: `header ${Headers.msgId}`, messages: ['an event must carry its id'] }]);
    }
    // Events were size-checked when they were published; only their shape is checked here.
    const payload = await parseMessage(subscribers[0]!.event.payload, event.data, Number.POSITIVE_INFINITY);
    return { subscribers, meta, payload, trace: continueTrace(meta.traceparent, meta.correlationId) };
  }

  private async deadLetter(source: string, message: JsMsg, error: unknown): Promise<void> {
    const meta = eventMetaOf(storedEventOf(message));
    const h = natsHeaders();
    for (const [key, values] of message.headers ?? []) {
      if (key !== Headers.msgId) for (const value of values) h.append(key, value);
    }
    h.set(Headers.deadLetterEventId, meta.eventId);
    h.set(Headers.deadLetterSubject, message.subject);
    h.set(Headers.deadLetterStreamSequence, String(message.info.streamSequence));
    h.set(Headers.deadLetterDeliveries, String(message.info.deliveryCount));
    h.set(Headers.deadLetterConsumer, this.options.service);
    h.set(Headers.deadLetterFailedAt, new Date().toISOString());
    h.set(Headers.deadLetterError, errorText(error).slice(0, 2_000));
    await jetstream(this.nc).publish(deadLetterSubjectOf(this.options.service, source), message.data, {
      headers: h,
      msgID: `dlq-${source}-${message.info.streamSequence}`,
    });
    this.log.error({ subject: message.subject, eventId: meta.eventId, err: error }, 'event dead-lettered');
  }
}

function errorText(error: unknown): string {
  if (error instanceof GridworkError) return `${error.code}: ${error.message}${error.details ? ' ' + JSON.stringify(error.details) : ''}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
