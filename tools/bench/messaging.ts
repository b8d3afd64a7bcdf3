import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import pg from 'pg';
import { connect } from '@nats-io/transport-node';
import { nanos, type NatsConnection } from '@nats-io/nats-core';
import { AckPolicy, DeliverPolicy, StorageType, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { streamNameOf } from '@gridwork/contracts';
import { GridworkClient } from '@gridwork/client';
import { publishInTransaction, publishManyInTransaction } from '@gridwork/messaging';
import { serviceConfig, startService, type ServiceDefinition } from '@gridwork/runtime';
import { createTestDatabase, startNatsServer, type NatsServerProcess, type TestDatabase } from '@gridwork/testing';
import { bench, benchService, epochMs, sinkLatencies, sinkService, type EchoRequest } from './services.js';
import { closedLoop, fmt, fmtInt, int, paced, summarize, table, until, type Summary } from './stats.js';

/*
 * Benchmark of libs/messaging against bare NATS, on a private nats-server and
 * throw-away databases (removed at the end):
 *  1. request/reply through an @Endpoint and GridworkClient vs nc.subscribe/nc.request;
 *  2. outbox → relay → JetStream → @OnEvent (inbox transaction) vs js.publish + a pull consumer,
 *     at full speed (events/s), then at a steady rate below capacity (end-to-end latency).
 * Everything runs in this one process, the bare paths included, so both sides share the same CPU.
 *
 * Usage: npm run bench:messaging
 * Env: BENCH_REQUESTS (20000), BENCH_WARMUP (2000), BENCH_CONCURRENCY (32),
 *      BENCH_EVENTS (10000), BENCH_WRITERS (4), BENCH_PACED_RATE (200 events/s),
 *      BENCH_PACED_EVENTS (400), BENCH_LOG_LEVEL (warn).
 */


const REQUESTS = int('BENCH_REQUESTS', 20_000);
const WARMUP = int('BENCH_WARMUP', 2_000);
const CONCURRENCY = int('BENCH_CONCURRENCY', 32);
const EVENTS = int('BENCH_EVENTS', 10_000);
const WRITERS = int('BENCH_WRITERS', 4);
/** The latency run offers events at a steady rate below the library's capacity, so queueing does not dominate. */
const PACED_RATE = int('BENCH_PACED_RATE', 200);
const PACED_EVENTS = int('BENCH_PACED_EVENTS', 400);
/** Request/reply runs alternate bare and library in this many rounds, so a burst of other load hits both. */
const ROUNDS = 2;
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'warn';
process.env.LOG_LEVEL = LOG_LEVEL;

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

interface World {
  nats?: NatsServerProcess;
  dbs: TestDatabase[];
  apps: INestApplication[];
  connections: NatsConnection[];
  pgClients: pg.Client[];
}

const world: World = { dbs: [], apps: [], connections: [], pgClients: [] };
let disposed: Promise<void> | undefined;

function dispose(): Promise<void> {
  disposed ??= (async () => {
    for (const app of world.apps.splice(0).reverse()) await app.close().catch((err) => log(`closing a service: ${err}`));
    for (const nc of world.connections.splice(0)) await nc.close().catch(() => undefined);
    for (const client of world.pgClients.splice(0)) await client.end().catch(() => undefined);
    await world.nats?.dispose().catch((err) => log(`stopping nats-server: ${err}`));
    for (const db of world.dbs.splice(0)) await db.drop().catch((err) => log(`dropping ${db.name}: ${err}`));
  })();
  return disposed;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    log(`${signal}: cleaning up`);
    void dispose().finally(() => process.exit(130));
  });
}

async function natsConnection(url: string, name: string): Promise<NatsConnection> {
  const nc = await connect({ servers: url, name });
  world.connections.push(nc);
  return nc;
}

async function service(definition: ServiceDefinition, db: TestDatabase, natsUrl: string): Promise<INestApplication> {
  const config = serviceConfig(definition, {
    ...process.env,
    LOG_LEVEL,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    DATABASE_URL: db.url,
    NATS_URL: natsUrl,
  });
  const app = await startService(definition, config);
  world.apps.push(app);
  return app;
}

// ---------------------------------------------------------------- request/reply

interface RequestReplyResult {
  bare: Summary;
  library: Summary;
}

async function requestReply(natsUrl: string): Promise<RequestReplyResult> {
  const serverNc = await natsConnection(natsUrl, 'bench-bare-responder');
  const clientNc = await natsConnection(natsUrl, 'bench-bare-requester');
  const libraryNc = await natsConnection(natsUrl, 'bench-client');
  const client = new GridworkClient(libraryNc, { timeoutMs: 5_000 });

  const request: EchoRequest = { text: 'hello from the gridwork benchmark', n: 42 };
  const body = JSON.stringify(request);
  serverNc.subscribe('bare.echo', {
    queue: 'bare',
    callback: (err, msg) => {
      if (!err) msg.respond(msg.data);
    },
  });
  await serverNc.flush();

  const bareCall = () => clientNc.request('bare.echo', body, { timeout: 5_000 });
  const libraryCall = () => client.request(bench.echo, request);

  const check = await libraryCall();
  if (check.text !== request.text || check.n !== request.n) throw new Error(`echo answered ${JSON.stringify(check)}`);

  log(`request/reply warm-up: ${WARMUP} calls each`);
  await closedLoop(WARMUP, CONCURRENCY, bareCall);
  await closedLoop(WARMUP, CONCURRENCY, libraryCall);

  const bareLatencies = new Float64Array(REQUESTS);
  const libraryLatencies = new Float64Array(REQUESTS);
  let bareSeconds = 0;
  let librarySeconds = 0;
  const perRound = Math.ceil(REQUESTS / ROUNDS);
  for (let offset = 0; offset < REQUESTS; offset += perRound) {
    const count = Math.min(perRound, REQUESTS - offset);
    log(`request/reply: ${count} bare calls, then ${count} library calls`);
    bareSeconds += await closedLoop(count, CONCURRENCY, bareCall, bareLatencies, offset);
    librarySeconds += await closedLoop(count, CONCURRENCY, libraryCall, libraryLatencies, offset);
  }
  return {
    bare: summarize(bareLatencies, REQUESTS, bareSeconds),
    library: summarize(libraryLatencies, REQUESTS, librarySeconds),
  };
}

// ---------------------------------------------------------------- events

interface EventResult extends Summary {
  label: string;
  /** Seconds from the first write until every event was committed to the outbox / published. */
  writtenAt: number;
  /** Seconds until JetStream held every event. */
  publishedAt: number;
  /** Seconds until the consumer had applied (acknowledged) every event. */
  appliedAt: number;
}

const eventPayload = (seq: number) => ({ id: randomUUID(), seq, writtenAt: epochMs() });

async function libraryEvents(
  label: string,
  count: number,
  perTransaction: number,
  /** Each transaction's events with one INSERT (publishManyInTransaction) instead of one each. */
  oneInsert: boolean,
  source: DataSource,
  counter: () => Promise<number>,
  streamMessages: () => Promise<number>,
): Promise<EventResult> {
  const baseCounter = await counter();
  const baseStream = await streamMessages();
  sinkLatencies.length = 0;
  const transactions = Math.ceil(count / perTransaction);

  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  let nextTransaction = 0;
  let seq = 0;
  const writer = async () => {
    while (nextTransaction < transactions) {
      const t = nextTransaction++;
      const n = Math.min(perTransaction, count - t * perTransaction);
      await source.transaction(async (em) => {
        if (oneInsert) await publishManyInTransaction(em, bench.itemCreated, Array.from({ length: n }, () => eventPayload(seq++)));
        else for (let k = 0; k < n; k++) await publishInTransaction(em, bench.itemCreated, eventPayload(seq++));
      });
    }
  };
  let writtenAt = NaN;
  let publishedAt = NaN;
  const writing = Promise.all(Array.from({ length: Math.min(WRITERS, transactions) }, writer)).then(() => {
    writtenAt = elapsed();
  });
  const timeoutMs = Math.max(60_000, count * 20);
  await until(
    `${label}: ${count} events applied`,
    async () => {
      if (Number.isNaN(publishedAt) && (await streamMessages()) >= baseStream + count) publishedAt = elapsed();
      return (await counter()) >= baseCounter + count;
    },
    timeoutMs,
  );
  const appliedAt = elapsed();
  await writing;
  if (Number.isNaN(publishedAt)) publishedAt = appliedAt;
  const applied = (await counter()) - baseCounter;
  if (applied !== count) throw new Error(`${label}: ${applied} events applied, expected ${count}`);
  return { label, ...summarize(sinkLatencies, count, appliedAt), writtenAt, publishedAt, appliedAt };
}

/** End-to-end latency of the library path below its capacity: one event per transaction at a steady rate. */
async function libraryPaced(count: number, rate: number, source: DataSource, counter: () => Promise<number>): Promise<Summary> {
  const base = await counter();
  sinkLatencies.length = 0;
  const started = performance.now();
  await paced(count, rate, (i) => source.transaction((em) => publishInTransaction(em, bench.itemCreated, eventPayload(i))));
  await until(`paced: ${count} events applied`, async () => (await counter()) >= base + count, 60_000);
  return summarize(sinkLatencies, count, (performance.now() - started) / 1000);
}

/** The same work on bare JetStream: a plain stream, js.publish with msgID, a durable pull consumer that acks. */
async function bareJetStream(natsUrl: string) {
  const publisherNc = await natsConnection(natsUrl, 'bench-bare-publisher');
  const consumerNc = await natsConnection(natsUrl, 'bench-bare-consumer');
  const jsm = await jetstreamManager(publisherNc);
  await jsm.streams.add({
    name: 'BARE',
    subjects: ['bare.evt.>'],
    storage: StorageType.File,
    duplicate_window: nanos(2 * 60_000),
  });
  await jsm.consumers.add('BARE', {
    durable_name: 'bare',
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: 'bare.evt.>',
  });
  const js = jetstream(publisherNc);
  const messages = await jetstream(consumerNc)
    .consumers.get('BARE', 'bare')
    .then((c) => c.consume({ max_messages: 256 }));

  const latencies: number[] = [];
  let consumed = 0;
  let target = Infinity;
  let reached: (() => void) | undefined;
  const consuming = (async () => {
    for await (const message of messages) {
      const event = JSON.parse(message.string()) as { writtenAt: number };
      latencies.push(epochMs() - event.writtenAt);
      message.ack();
      if (++consumed === target) reached?.();
    }
  })();
  const publish = (seq: number) => {
    const payload = eventPayload(seq);
    return js.publish('bare.evt.item.created', JSON.stringify(payload), { msgID: payload.id });
  };
  /** Runs `produce`, then waits until `count` more messages were consumed; returns seconds to both points. */
  const measure = async (count: number, produce: () => Promise<unknown>) => {
    latencies.length = 0;
    target = consumed + count;
    const done = new Promise<void>((resolve) => (reached = resolve));
    const started = performance.now();
    await produce();
    const producedAt = (performance.now() - started) / 1000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      done,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('bare consumer timed out')), 60_000))),
    ]).finally(() => clearTimeout(timer));
    return { producedAt, consumedAt: (performance.now() - started) / 1000 };
  };
  const pipelined = async (count: number) => {
    const window = 500; // the relay's default batch
    for (let i = 0; i < count; i += window) {
      await Promise.all(Array.from({ length: Math.min(window, count - i) }, (_, k) => publish(i + k)));
    }
  };

  return {
    async throughput(count: number): Promise<EventResult> {
      await measure(Math.min(1_000, count), () => pipelined(Math.min(1_000, count))); // warm-up
      const { producedAt, consumedAt } = await measure(count, () => pipelined(count));
      return {
        label: 'bare JetStream',
        ...summarize(latencies, count, consumedAt),
        writtenAt: producedAt,
        publishedAt: producedAt,
        appliedAt: consumedAt,
      };
    },
    async paced(count: number, rate: number): Promise<Summary> {
      const { consumedAt } = await measure(count, () => paced(count, rate, publish));
      return summarize(latencies, count, consumedAt);
    },
    async close(): Promise<void> {
      await messages.close();
      await consuming;
    },
  };
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const t0 = performance.now();
  world.nats = await startNatsServer();
  const natsUrl = world.nats.url;
  const benchDb = await createTestDatabase('gridwork_bench');
  world.dbs.push(benchDb);
  const sinkDb = await createTestDatabase('gridwork_benchsink');
  world.dbs.push(sinkDb);
  log(`private nats-server ${natsUrl}; databases ${benchDb.name}, ${sinkDb.name}`);

  // Both services run in this process, each its own Nest application; @nestjs/typeorm warns once that a
  // second data source has the default name, which is harmless here (each app injects its own).
  const benchApp = await service(benchService(), benchDb, natsUrl);
  await service(sinkService(), sinkDb, natsUrl);
  log(`services started in ${fmt((performance.now() - t0) / 1000, 1)} s`);

  const rr = await requestReply(natsUrl);

  // Events through the library.
  const source = benchApp.get(DataSource);
  const sinkClient = new pg.Client({ connectionString: sinkDb.url });
  await sinkClient.connect();
  world.pgClients.push(sinkClient);
  const counter = async () => Number((await sinkClient.query('SELECT n FROM bench_counter WHERE id = 1')).rows[0].n);
  const jsm = await jetstreamManager(await natsConnection(natsUrl, 'bench-monitor'));
  const stream = streamNameOf(bench.itemCreated.service);
  const streamMessages = async () => (await jsm.streams.info(stream)).state.messages;

  log('events warm-up: 500 events, 100 per transaction');
  await libraryEvents('warm-up', 500, 100, false, source, counter, streamMessages);
  log(`events: ${EVENTS} through the library, 100 per transaction, one INSERT each`);
  const bulk = await libraryEvents('gridwork, 100 events/tx, 1 INSERT', EVENTS, 100, true, source, counter, streamMessages);
  log(`events: ${EVENTS} through the library, 100 per transaction`);
  const batched = await libraryEvents('gridwork, 100 events/tx', EVENTS, 100, false, source, counter, streamMessages);
  log(`events: ${EVENTS} through the library, 1 per transaction`);
  const single = await libraryEvents('gridwork, 1 event/tx', EVENTS, 1, false, source, counter, streamMessages);
  log(`events: ${PACED_EVENTS} through the library at ${PACED_RATE}/s, 1 per transaction (latency)`);
  const libraryLatency = await libraryPaced(PACED_EVENTS, PACED_RATE, source, counter);
  log(`events: ${EVENTS} through bare JetStream, then ${PACED_EVENTS} at ${PACED_RATE}/s`);
  const bareJs = await bareJetStream(natsUrl);
  const bare = await bareJs.throughput(EVENTS);
  const bareLatency = await bareJs.paced(PACED_EVENTS, PACED_RATE);
  await bareJs.close();

  // ---- report
  const out: string[] = [];
  out.push('');
  out.push(`Gridwork messaging benchmark (node ${process.version}, private nats-server, PostgreSQL ${new URL(benchDb.url).host})`);
  out.push('');
  out.push(
    `1. Request/reply: ${fmtInt(REQUESTS)} calls, ${CONCURRENCY} in flight, after ${fmtInt(WARMUP)} warm-up calls; ` +
      `bare and library alternate in ${ROUNDS} rounds`,
  );
  const rrRow = (label: string, s: Summary) => [label, fmtInt(s.perSecond), fmt(s.p50), fmt(s.p95), fmt(s.p99), fmt(s.max)];
  const ratio = (a: number, b: number) => `${fmt(a / b)} x`;
  out.push(
    table([
      ['path', 'calls/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
      rrRow('bare nats-core (subscribe+respond / request)', rr.bare),
      rrRow('gridwork (@Endpoint / GridworkClient)', rr.library),
      [
        'ratio library/bare',
        ratio(rr.library.perSecond, rr.bare.perSecond),
        ratio(rr.library.p50, rr.bare.p50),
        ratio(rr.library.p95, rr.bare.p95),
        ratio(rr.library.p99, rr.bare.p99),
        ratio(rr.library.max, rr.bare.max),
      ],
    ]),
  );
  out.push(
    `   library cost: throughput ${fmt(rr.bare.perSecond / rr.library.perSecond)}x lower, p99 ${fmt(rr.library.p99 / rr.bare.p99)}x higher (target: under 2x)`,
  );
  out.push('');
  out.push(
    `2. Events: ${fmtInt(EVENTS)} per path. Library: publishInTransaction (one INSERT per event; or ` +
      `publishManyInTransaction, one per transaction: "1 INSERT") by ${WRITERS} concurrent writers -> OutboxRelay -> ` +
      `JetStream -> @OnEvent in a second service (inbox transaction + one counter update per transaction). Bare: js.publish with msgID ` +
      `(500 acks in flight) + durable pull consumer (consume, ack). Times in seconds from the first write; ` +
      `e2e = write call to handler, at saturation (mostly queueing).`,
  );
  const evRow = (r: EventResult) => [
    r.label,
    fmtInt(r.perSecond),
    fmt(r.writtenAt),
    fmt(r.publishedAt),
    fmt(r.appliedAt),
    fmt(r.p50, 0),
    fmt(r.p95, 0),
    fmt(r.p99, 0),
  ];
  out.push(
    table([
      ['path', 'events/s', 'written s', 'in stream s', 'applied s', 'e2e p50 ms', 'e2e p95 ms', 'e2e p99 ms'],
      evRow(bulk),
      evRow(batched),
      evRow(single),
      evRow(bare),
      ['ratio library/bare, 100/tx, 1 INSERT', ratio(bulk.perSecond, bare.perSecond), '', '', '', '', '', ''],
      ['ratio library/bare, 100/tx', ratio(batched.perSecond, bare.perSecond), '', '', '', '', '', ''],
      ['ratio library/bare, 1/tx', ratio(single.perSecond, bare.perSecond), '', '', '', '', '', ''],
    ]),
  );
  out.push(
    `   stage rates (events/s): 100/tx 1 INSERT write ${fmtInt(EVENTS / bulk.writtenAt)}, into stream ${fmtInt(EVENTS / bulk.publishedAt)}; ` +
      `100/tx write ${fmtInt(EVENTS / batched.writtenAt)}, into stream ${fmtInt(EVENTS / batched.publishedAt)}; ` +
      `1/tx write ${fmtInt(EVENTS / single.writtenAt)}, into stream ${fmtInt(EVENTS / single.publishedAt)}; ` +
      `bare publish ${fmtInt(EVENTS / bare.publishedAt)}`,
  );
  out.push(
    `   library cost: events/s ${fmt(bare.perSecond / bulk.perSecond)}x lower (100/tx, 1 INSERT), ${fmt(bare.perSecond / batched.perSecond)}x lower (100/tx), ` +
      `${fmt(bare.perSecond / single.perSecond)}x lower (1/tx) (target: under 2x)`,
  );
  out.push('');
  out.push(
    `3. End-to-end event latency below capacity: ${fmtInt(PACED_EVENTS)} events offered at ${PACED_RATE}/s ` +
      `(library: 1 event per transaction), write call to handler (library) / publish call to consumer (bare)`,
  );
  const latRow = (label: string, s: Summary) => [label, fmt(s.p50, 1), fmt(s.p95, 1), fmt(s.p99, 1), fmt(s.max, 1)];
  out.push(
    table([
      ['path', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
      latRow('gridwork (outbox -> relay -> inbox)', libraryLatency),
      latRow('bare JetStream', bareLatency),
      [
        'ratio library/bare',
        ratio(libraryLatency.p50, bareLatency.p50),
        ratio(libraryLatency.p95, bareLatency.p95),
        ratio(libraryLatency.p99, bareLatency.p99),
        ratio(libraryLatency.max, bareLatency.max),
      ],
    ]),
  );
  out.push('');
  out.push(`total run ${fmt((performance.now() - t0) / 1000, 1)} s`);
  process.stdout.write(`${out.join('\n')}\n`);
}

let exitCode = 0;
try {
  await main();
} catch (err) {
  log(`failed: ${(err as Error).stack ?? String(err)}`);
  exitCode = 1;
} finally {
  await dispose();
}
process.exit(exitCode);
