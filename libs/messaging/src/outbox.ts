import pg from 'pg';
import type { JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import { OUTBOX_NOTIFY_CHANNEL, newId, preparedQuery } from '@gridwork/persistence';
import { Headers, continueTrace, eventSubjectFor, schemaHeader, validateMessage, type EventDefinition } from '@gridwork/contracts';
import { currentTrace, type ServiceMetrics } from '@gridwork/observability';
import { Linger } from '@gridwork/client';

/** The first delay before the LISTEN connection is made again; it doubles up to the max, and retries go on for ever. */
const LISTEN_RETRY_MS = 250;
const LISTEN_RETRY_MAX_MS = 5_000;

/** Advisory lock key: one relay batch at a time per database keeps events in commit order. */
const RELAY_LOCK_KEY = 0x6f7574626f78;

/** The headers an event leaves with: its schema and the trace of the work that caused it. */
function outboxHeaders(event: EventDefinition<object>): Record<string, string> {
  const trace = currentTrace() ?? continueTrace();
  return {
    [Headers.schema]: schemaHeader(event),
    [Headers.traceparent]: trace.traceparent,
    [Headers.correlationId]: trace.correlationId,
  };
}

/**
 * The payload as it is stored and sent, after checking it against the
 * event's contract (so a malformed event never leaves the service): what is
 * checked is exactly what goes out, serialised once.
 */
async function checkedJson(event: EventDefinition<object>, payload: object): Promise<string> {
  const json = JSON.stringify(payload);
  await validateMessage(event.payload, JSON.parse(json), json);
  return json;
}

export interface PublishOptions {
  eventId?: string;
  /** For an event addressed to departments (and only then): the department it is for. */
  department?: string;
}

/**
 * Writes an event in the caller's transaction; the relay publishes it after
 * commit. Returns the event id. The payload is validated against the event's
 * contract so a malformed event never leaves the service. An event addressed
 * to departments needs `department` and goes out on that department's subject.
 */
export async function publishInTransaction<P extends object>(
  em: EntityManager,
  event: EventDefinition<P>,
  payload: P,
  options: PublishOptions = {},
): Promise<string> {
  if (!em.queryRunner?.isTransactionActive) {
    throw new Error(`publishInTransaction(${event.subject}) needs an EntityManager inside a transaction`);
  }
  const subject = eventSubjectFor(event, options.department, 'publish');
  const json = await checkedJson(event, payload);
  const id = options.eventId ?? newId();
  const headers = outboxHeaders(event);
  // The outbox's trigger notifies the relays of every replica, delivered on commit.
  await preparedQuery(em, 'outbox-write', `INSERT INTO outbox (id, subject, headers, payload) VALUES ($1, $2, $3, $4)`, [id, subject, headers, json]);
  return id;
}

/**
 * Writes many events of one type in the caller's transaction with one insert
 * per thousand, for bulk changes (an import of a city's areas). Returns the ids.
 */
export async function publishManyInTransaction<P extends object>(em: EntityManager, event: EventDefinition<P>, payloads: P[]): Promise<string[]> {
  return publishAllInTransaction(em, [{ event, payloads }]);
}

/**
 * Writes events of several types in the caller's transaction, with one insert
 * per thousand events: the hot path of a batch that announces several things
 * about each of many records. Returns the ids in the order given.
 */
export async function publishAllInTransaction(em: EntityManager, groups: { event: EventDefinition<object>; payloads: object[] }[]): Promise<string[]> {
  if (!em.queryRunner?.isTransactionActive) {
    throw new Error(`publishAllInTransaction(${groups.map((g) => g.event.subject).join(', ')}) needs an EntityManager inside a transaction`);
  }
  const rows = await outboxRowsOf(groups.map(({ event, payloads }) => ({ event, events: payloads.map((payload) => ({ payload })) })));
  for (let start = 0; start < rows.length; start += 1000) {
    const chunk = rows.slice(start, start + 1000);
    await preparedQuery(
      em,
      'outbox-write-all',
      `INSERT INTO outbox (id, subject, headers, payload) SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::jsonb[])`,
      [chunk.map((r) => r.id), chunk.map((r) => r.subject), chunk.map((r) => r.headers), chunk.map((r) => r.payload)],
    );
  }
  return rows.map((r) => r.id);
}

/** An outbox row ready to insert: headers and payload as JSON text, the payload checked against its contract. */
interface OutboxRow {
  id: string;
  subject: string;
  headers: string;
  payload: string;
  /** The key of the record the event announces, for `outboxInsert`'s condition. */
  about?: string;
}

async function outboxRowsOf(groups: { event: EventDefinition<object>; events: { payload: object; about?: string }[] }[]): Promise<OutboxRow[]> {
  const rows: OutboxRow[] = [];
  for (const { event, events } of groups) {
    if (event.addressed) throw new Error(`${event.subject}: an addressed event is published one department at a time with publishInTransaction`);
    const headers = JSON.stringify(outboxHeaders(event));
    for (const { payload, about } of events) rows.push({ id: newId(), subject: event.subject, headers, payload: await checkedJson(event, payload), about });
  }
  return rows;
}

/**
 * Events for a hot path that stores records and their events in one statement
 * of its own, with no transaction around it (one statement is atomic, and one
 * round trip): the events as one JSON parameter, each tagged with the key of
 * the record it announces (`about`). Payloads are checked against their
 * contracts, as `publishAllInTransaction` does. Use with `outboxInsert`.
 */
export async function outboxRecordset(groups: { event: EventDefinition<object>; events: { payload: object; about: string }[] }[]): Promise<string> {
  const rows = await outboxRowsOf(groups);
  // The payloads and headers are JSON already: spliced in, not parsed and written again.
  return `[${rows.map((r) => `{"id":"${r.id}","subject":${JSON.stringify(r.subject)},"about":${JSON.stringify(r.about)},"headers":${r.headers},"payload":${r.payload}}`).join(',')}]`;
}

/**
 * The INSERT, for a data-modifying CTE, that writes the events of
 * `outboxRecordset` passed as `param` whose record the statement kept:
 * `keep` is a condition on `e.about`, e.g. `e.about::uuid IN (SELECT id FROM inserted)`.
 */
export const outboxInsert = (param: string, keep: string): string =>
  `INSERT INTO outbox (id, subject, headers, payload)
   SELECT e.id, e.subject, e.headers, e.payload
     FROM jsonb_to_recordset(${param}::jsonb) AS e(id uuid, subject text, about text, headers jsonb, payload jsonb)
    WHERE ${keep}`;

interface PendingRow {
  id: string;
  /** Seconds since the row was committed, by the database's clock (the one `created_at` was written with). */
  waited: number;
  subject: string;
  headers: Record<string, string>;
  /** The payload's JSON text. */
  payload: string;
}

/**
 * Publishes committed outbox rows to JetStream with `Nats-Msg-Id` = event id,
 * then marks them sent in the same transaction that locked them. A crash
 * between publish and commit republishes the rows on restart; JetStream's
 * duplicate window and the consumers' inbox make that harmless.
 */
export class OutboxRelay {
  private listener?: pg.Client;
  private timers: NodeJS.Timeout[] = [];
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  /** When the relay's passes began to fail (performance.now()), while they do. */
  private pausedSince?: number;
  /** Spaces relay passes out while the flow is busy, so that each carries more events. */
  private readonly linger: Linger;

  constructor(
    private readonly dataSource: DataSource,
    private readonly js: JetStreamClient,
    private readonly options: { batchSize: number; pollIntervalMs: number; retentionHours: number; lingerMs: number },
    private readonly log: Logger,
    private readonly metrics: ServiceMetrics,
  ) {
    this.linger = new Linger(options.lingerMs);
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.listen();
    this.timers.push(setInterval(() => this.kick(), this.options.pollIntervalMs));
    this.timers.push(setInterval(() => void this.purgeSent(), 10 * 60_000));
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timers.forEach((t) => clearTimeout(t));
    this.timers = [];
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
    await this.running;
  }

  /** Publishes whatever is pending now; resolves when the outbox is drained. */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async drain(): Promise<void> {
    try {
      do {
        // While the flow is busy, passes start at least `lingerMs` apart, so each carries more events.
        const wait = this.linger.delay();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        this.again = false;
        this.linger.started();
        let relayed: number;
        do {
          relayed = await this.relayBatch();
          this.linger.count(relayed);
        } while (relayed === this.options.batchSize && !this.stopped);
      } while (this.again && !this.stopped);
      if (this.pausedSince !== undefined) {
        this.log.info({ pausedMs: Math.round(performance.now() - this.pausedSince) }, 'outbox relay resumed');
        this.pausedSince = undefined;
      }
    } catch (err) {
      // NATS or PostgreSQL unavailable: nothing was marked sent; the next poll retries.
      // Said once per outage, not at every poll while it lasts.
      if (this.pausedSince === undefined) {
        this.pausedSince = performance.now();
        this.log.warn({ err }, 'outbox relay paused; retrying at each poll');
      } else {
        this.log.debug({ err }, 'outbox relay still paused');
      }
    }
  }

  private relayBatch(): Promise<number> {
    return this.dataSource.transaction(async (em) => {
      // The lock and the rows in one round trip: no rows when another replica holds the lock
      // (it is relaying; its listener saw the same NOTIFY). The commit that marks them sent need
      // not wait for the disk: if a crash loses it, the rows are published again, which JetStream's
      // duplicate window and the consumers' inbox make harmless (see above).
      const rows: PendingRow[] = await em.query(
        `WITH lock AS (SELECT pg_try_advisory_xact_lock($1) AS locked, set_config('synchronous_commit', 'off', true))
         SELECT o.id, o.subject, o.headers, o.payload::text AS payload, o.waited
           FROM lock, LATERAL (
             SELECT id, subject, headers, payload, seq, EXTRACT(EPOCH FROM clock_timestamp() - created_at)::float AS waited
               FROM outbox WHERE lock.locked AND sent_at IS NULL ORDER BY seq LIMIT $2) o
          ORDER BY o.seq`,
        [RELAY_LOCK_KEY, this.options.batchSize],
      );
      if (rows.length === 0) return 0;
      const published = Promise.all(
        rows.map((row) => {
          const h = natsHeaders();
          for (const [key, value] of Object.entries(row.headers)) h.set(key, value);
          // The payload as the database prints it (jsonb's text): not parsed and serialised again here.
          return this.js.publish(row.subject, row.payload, { msgID: row.id, headers: h });
        }),
      );
      // Marked sent while JetStream's acks are on their way: the transaction commits only once
      // every row is acknowledged, and a failed publish rolls the marks back.
      const marked = em.query('UPDATE outbox SET sent_at = now() WHERE id = ANY($1::uuid[])', [rows.map((r) => r.id)]);
      await Promise.all([published, marked]);
      this.metrics.outboxPublished.inc(rows.length);
      for (const row of rows) this.metrics.outboxPublishDelay.observe(Math.max(0, row.waited));
      return rows.length;
    });
  }

  /**
   * Listens for the outbox's NOTIFY on a connection of its own. Whenever that
   * connection fails or ends (a PostgreSQL restart, failover or network cut),
   * it is made again with a growing delay (up to LISTEN_RETRY_MAX_MS) for as
   * long as it takes; meanwhile the poll relays. Once back, a pass runs at
   * once for what was written while no NOTIFY could be heard.
   */
  private async listen(attempt = 0): Promise<void> {
    if (this.stopped) return;
    const url = (this.dataSource.options as { url?: string }).url;
    const client = new pg.Client({ connectionString: url });
    let lost = false;
    const onLost = (err?: Error) => {
      if (lost) return;
      lost = true;
      if (this.listener === client) this.listener = undefined;
      void client.end().catch(() => undefined);
      if (this.stopped) return;
      if (attempt === 0) this.log.warn({ err }, 'outbox listener lost; polling until it is back');
      this.retryListen(attempt + 1);
    };
    client.on('notification', () => void this.kick());
    client.on('error', onLost);
    client.on('end', () => onLost());
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_NOTIFY_CHANNEL}`);
    } catch (err) {
      onLost(err as Error);
      return;
    }
    if (lost || this.stopped) return void client.end().catch(() => undefined);
    this.listener = client;
    if (attempt > 0) {
      this.log.info({ attempts: attempt }, 'outbox listener back');
      void this.kick();
    }
    // A healthy connection starts the delays over when it is lost next.
    attempt = 0;
  }

  private retryListen(attempt: number): void {
    const delay = Math.min(LISTEN_RETRY_MS * 2 ** (attempt - 1), LISTEN_RETRY_MAX_MS);
    const timer = setTimeout(() => {
      this.timers = this.timers.filter((t) => t !== timer);
      void this.listen(attempt);
    }, delay);
    this.timers.push(timer);
  }

  private async purgeSent(): Promise<void> {
    try {
      await this.dataSource.query(
        `DELETE FROM outbox WHERE id IN (
           SELECT id FROM outbox WHERE sent_at < now() - make_interval(hours => $1) LIMIT 10000)`,
        [this.options.retentionHours],
      );
    } catch (err) {
      this.log.warn({ err }, 'outbox purge failed');
    }
  }
}
