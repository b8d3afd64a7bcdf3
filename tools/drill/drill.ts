import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstreamManager } from '@nats-io/jetstream';
import { ErrorCode, GridworkError, deadLetterStreamOf, operationsOf, streamNameOf, subjects, type ReportCaseRequest } from '@gridwork/contracts';
import { GridworkClient } from '@gridwork/client';
import { startNatsCluster, startNatsServer, startPostgresCluster, type PostgresCluster } from '@gridwork/testing';
import { seedGridReadModel } from '../bench/dispatch-world.js';

/*
 * The platform's fault drill on private servers it starts itself (its own
 * nats-server and its own PostgreSQL in a temporary folder), so it can kill
 * and restart them: a burst of case reports from a client that retries with
 * the same idempotency key until each is acknowledged, and during it kill -9
 * of each dispatch process (requests, events), kill -9 of NATS and an
 * immediate PostgreSQL stop. Then it counts what was sent, acknowledged,
 * stored, doubled and lost, the events published and applied, the rollups
 * against the cases, the dead letters, and the time each fault took to
 * recover from.
 */

export interface DrillOptions {
  reports: number;
  /** Reports offered per second. */
  rate: number;
  /** How long each killed or stopped server stays down, ms. */
  downMs: number;
  /**
   * Against a three-node NATS cluster (streams with three replicas, services
   * given all three URLs): kill -9 of a follower of dispatch's stream, then of
   * its leader, instead of the one server's kill -9.
   */
  natsCluster?: boolean;
  log?: (line: string) => void;
}

export interface FaultResult {
  fault: string;
  /** When it struck, in reports sent so far. */
  atReport: number;
  /** From the fault until a report sent then was acknowledged (the down time included), ms. */
  recoveryMs: number;
  /** ... and until that report's case.reported event was applied, ms. */
  appliedMs: number;
}

export interface DrillReport {
  sent: number;
  acknowledged: number;
  /** Reports answered with an error a client does not retry (anything but UNAVAILABLE), with the first few errors. */
  refused: number;
  refusals: string[];
  retries: number;
  stored: number;
  duplicates: number;
  lost: number;
  /** Outbox rows of case.reported, all published; and how many are in the stream. */
  reportedEvents: number;
  reportedInStream: number;
  /** case.reported events applied by dispatch's own consumer (its inbox). */
  reportedApplied: number;
  /** Every outbox row sent, and every event of a subject dispatch consumes applied once. */
  eventsPublished: number;
  eventsUnsent: number;
  eventsNotApplied: number;
  rollupReceived: number;
  deadLetters: number;
  faults: FaultResult[];
  /** From the last acknowledgement until every event was applied, ms. */
  drainMs: number;
  ok: boolean;
}

const GRID_SIDE = 8;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The repository root: where apps/dispatch/dist/main.js is, from this file's source or dist location. */
function repositoryRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'apps', 'dispatch', 'package.json'))) return dir;
  }
  throw new Error('cannot find the repository root');
}

/**
 * A built dispatch process (apps/dispatch/dist/main.js) in one role, kept
 * running as an orchestrator would: whenever it exits (killed, or unable to
 * start while a server is away) it is started again after `restartMs`.
 */
class DispatchProcess {
  private child?: ChildProcess;
  private stopped = false;
  /** Starts seen, the first included. */
  starts = 0;

  constructor(
    private readonly role: 'requests' | 'events',
    private readonly env: Record<string, string>,
    private readonly restartMs: number,
  ) {}

  start(): void {
    const main = join(repositoryRoot(), 'apps', 'dispatch', 'dist', 'main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: build first (npm run build)`);
    const child = spawn(process.execPath, [main], {
      env: { ...process.env, HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', LOG_LEVEL: 'error', ...this.env, SERVICE_ROLES: this.role },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    this.child = child;
    this.starts++;
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
      if (!this.stopped) setTimeout(() => !this.stopped && !this.child && this.start(), this.restartMs);
    });
  }

  /** kill -9; the process comes back after `restartMs`. */
  crash(): void {
    this.child?.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}


const report = (key: string): ReportCaseRequest => ({
  idempotencyKey: key,
  channel: 'hotline-12345',
  categoryCode: 'environment',
  description: 'Overflowing bins at the corner of the market street (fault drill)',
  location: { longitude: 113.2 + Math.random() * GRID_SIDE * 0.01, latitude: 23.0 + Math.random() * GRID_SIDE * 0.01 },
  reporter: { name: 'Resident', phone: '13800000000' },
});

/** Whether a failed attempt is one a department system retries: UNAVAILABLE (no responder, timeout, a server away). */
const retriable = (error: unknown) => error instanceof GridworkError && error.code === ErrorCode.UNAVAILABLE;

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(200);
  }
}

/** What a running drill must undo: its processes, connections and servers, last first. */
const cleanups: (() => Promise<unknown>)[] = [];

/** Stops what a drill started (for a signal handler: the drill then fails). */
export async function cleanupDrill(log: (line: string) => void = () => undefined): Promise<void> {
  for (const step of cleanups.splice(0).reverse()) await step().catch((error) => log(`cleanup: ${String(error)}`));
}

export async function runDrill(options: DrillOptions): Promise<DrillReport> {
  const log = options.log ?? (() => undefined);
  try {
    const nats = options.natsCluster ? await startNatsCluster(3) : await startNatsServer();
    cleanups.push(() => nats.dispose());
    const servers = 'servers' in nats ? nats.servers : [nats.url];
    const cluster: PostgresCluster = await startPostgresCluster();
    cleanups.push(() => cluster.dispose());
    const url = await cluster.database('gov_dispatch');
    log(`private ${'servers' in nats ? 'three-node NATS cluster' : 'nats-server'} ${nats.url}, private PostgreSQL on port ${cluster.port}`);

    const env = {
      DATABASE_URL: url,
      NATS_URL: nats.url,
      EVENT_ACK_WAIT_MS: '10000',
      ...(options.natsCluster ? { STREAM_REPLICAS: '3' } : {}),
    };
    const events = new DispatchProcess('events', env, options.downMs);
    const requests = new DispatchProcess('requests', env, options.downMs);
    cleanups.push(() => requests.stop(), () => events.stop());
    const nc: NatsConnection = await connect({ servers, maxReconnectAttempts: -1, reconnectTimeWait: 200, noAsyncTraces: true });
    cleanups.push(() => nc.close());
    const client = new GridworkClient(nc, { timeoutMs: 5_000 });
    const health = operationsOf('dispatch').health.check;

    // The events process first: it runs the migrations (as the dispatch benchmark starts them).
    events.start();
    requests.start();
    await waitUntil('dispatch to start', () => client.request(health, {}, { timeoutMs: 1_000 }).then((h) => h.status === 'up'), 60_000);
    await seedGridReadModel(url, 'D', GRID_SIDE);
    await waitUntil(
      'the category to be defined',
      () =>
        client
          .request(subjects.dispatch.category.define, {
            code: 'environment',
            name: 'Environment',
            responsible: { kind: 'level', level: 'grid' },
            acceptHours: 2,
            completeHours: 24,
            hoursKind: 'working',
          })
          .then(() => true),
      30_000,
    );

    // ---- the burst, with faults at fixed points in it
    const keys = Array.from({ length: options.reports }, (_, i) => `drill-${i}`);
    const acknowledged = new Map<string, string>();
    /** Reports answered with an error that is not UNAVAILABLE, by key. */
    const refused = new Map<string, string>();
    let retries = 0;
    let sent = 0;
    let lastAckAt = 0;
    const send = async (key: string) => {
      for (;;) {
        try {
          const reply = await client.request(subjects.dispatch.case.report, report(key), { timeoutMs: 5_000 });
          const before = acknowledged.get(key);
          if (before && before !== reply.case.id) throw new Error(`${key} was answered with two cases`);
          acknowledged.set(key, reply.case.id);
          lastAckAt = performance.now();
          return { at: performance.now(), caseId: reply.case.id };
        } catch (error) {
          if (!retriable(error)) {
            // What a department system does with any other answer: gives up on the report.
            refused.set(key, error instanceof GridworkError ? `${error.code}: ${error.message}` : String(error));
            return { at: performance.now(), caseId: undefined };
          }
          retries++;
          await pause(250);
        }
      }
    };
    const faults: FaultResult[] = [];
    /** Whether the case.reported event of `caseId` has been applied by dispatch's consumer (a fresh connection after an outage). */
    const reportedApplied = async (caseId: string) => {
      const db = new pg.Client({ connectionString: url });
      db.on('error', () => undefined);
      await db.connect();
      try {
        const { rowCount } = await db.query(
          `SELECT 1 FROM outbox o JOIN inbox i ON i.consumer = 'dispatch<-dispatch' AND i.event_id = o.id::text
            WHERE o.subject = 'gov.evt.dispatch.case.reported' AND o.payload->>'caseId' = $1`,
          [caseId],
        );
        return (rowCount ?? 0) > 0;
      } finally {
        await db.end().catch(() => undefined);
      }
    };

    // One fault at a time: each strikes once its share of the burst is sent and the last one has recovered.
    const plan: Array<{ at: number; fault: string; strike: () => Promise<void> }> = [
      { at: 0.15, fault: 'kill -9 dispatch (requests)', strike: async () => requests.crash() },
      { at: 0.3, fault: 'kill -9 dispatch (events)', strike: async () => events.crash() },
      ...natsFaults(),
      {
        at: 0.65,
        fault: 'PostgreSQL immediate stop',
        strike: async () => {
          await cluster.stop('immediate');
          await pause(options.downMs);
          await cluster.start();
        },
      },
    ];
    function natsFaults(): Array<{ at: number; fault: string; strike: () => Promise<void> }> {
      if (!('nodes' in nats)) {
        const single = nats;
        return [
          {
            at: 0.45,
            fault: 'kill -9 nats-server',
            strike: async () => {
              await single.stop(true);
              await pause(options.downMs);
              await single.start();
            },
          },
        ];
      }
      const clustered = nats;
      /** Kills the node that `pick` names among GOV_DISPATCH's leader and followers, and brings it back. */
      const killNode = (pick: (leader: string, followers: string[]) => string) => async () => {
        const jsm = await jetstreamManager(nc);
        const info = await jsm.streams.info(streamNameOf('dispatch'));
        const leader = info.cluster?.leader ?? '';
        const name = pick(leader, (info.cluster?.replicas ?? []).map((r) => r.name));
        const node = clustered.nodes.find((n) => n.name === name);
        if (!node) throw new Error(`no node ${name} (leader ${leader})`);
        log(`  killing ${name} (stream leader ${leader})`);
        await node.stop(true);
        await pause(options.downMs);
        await node.start();
      };
      return [
        { at: 0.4, fault: 'kill -9 a follower of the dispatch stream', strike: killNode((_, followers) => followers[0]!) },
        { at: 0.5, fault: 'kill -9 the dispatch stream leader', strike: killNode((leader) => leader) },
      ];
    }
    const inFlight: Promise<unknown>[] = [];
    const waiters: Array<{ n: number; resolve: () => void }> = [];
    const sentAtLeast = (n: number) => new Promise<void>((resolve) => (sent >= n ? resolve() : waiters.push({ n, resolve })));
    const faultRuns = [
      (async () => {
        for (const step of plan) {
          await sentAtLeast(Math.ceil(step.at * options.reports));
          const atReport = sent;
          log(`${step.fault} at report ${atReport}`);
          const struck = performance.now();
          await step.strike();
          // Recovered when a report sent now is acknowledged, and again when its event is applied
          // (a process killed comes back after downMs, as under an orchestrator).
          const probeKey = `drill-probe-${faults.length}`;
          keys.push(probeKey);
          const { at, caseId } = await send(probeKey);
          if (caseId) await waitUntil('the probe report\'s event to be applied', () => reportedApplied(caseId), 120_000);
          faults.push({ fault: step.fault, atReport, recoveryMs: Math.round(at - struck), appliedMs: Math.round(performance.now() - struck) });
        }
      })(),
    ];
    const started = performance.now();
    while (sent < options.reports) {
      const due = Math.min(options.reports, Math.floor(((performance.now() - started) / 1000) * options.rate) + 1);
      while (sent < due) {
        inFlight.push(send(keys[sent++]!));
        for (const w of waiters.filter((w) => sent >= w.n)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
      await pause(5);
    }
    await Promise.all(faultRuns);
    await Promise.all(inFlight);
    log(`${acknowledged.size} of ${keys.length} acknowledged (${retries} retries); waiting for every event to be applied`);

    // ---- what was stored, published and applied
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    cleanups.push(() => db.end());
    const one = async <T>(sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows[0] as T;
    const counts = () =>
      one<{ unsent: number; not_applied: number }>(
        `SELECT (SELECT count(*)::int FROM outbox WHERE sent_at IS NULL) AS unsent,
                (SELECT count(*)::int FROM outbox o
                  WHERE o.subject IN (SELECT DISTINCT o2.subject FROM outbox o2 JOIN inbox i2 ON i2.event_id = o2.id::text WHERE i2.consumer = 'dispatch<-dispatch')
                    AND NOT EXISTS (SELECT 1 FROM inbox i WHERE i.consumer = 'dispatch<-dispatch' AND i.event_id = o.id::text)) AS not_applied`,
      );
    let drained = await counts();
    const drainStart = performance.now();
    const drainDeadline = Date.now() + 120_000;
    while ((drained.unsent > 0 || drained.not_applied > 0) && Date.now() < drainDeadline) {
      await pause(250);
      drained = await counts();
    }
    const drainMs = Math.round(performance.now() - Math.min(lastAckAt, drainStart));
    const stored = await one<{ cases: number; keys: number; drill: number }>(
      `SELECT count(*)::int AS cases, count(DISTINCT idempotency_key)::int AS keys, count(*) FILTER (WHERE idempotency_key = ANY ($1))::int AS drill FROM "case"`,
      [keys],
    );
    const reported = await one<{ events: number; applied: number; published: number }>(
      `SELECT count(*)::int AS events,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM inbox i WHERE i.consumer = 'dispatch<-dispatch' AND i.event_id = o.id::text))::int AS applied,
              (SELECT count(*)::int FROM outbox) AS published
         FROM outbox o WHERE o.subject = 'gov.evt.dispatch.case.reported'`,
    );
    const rollup = await one<{ received: number }>(`SELECT coalesce(sum(received), 0)::int AS received FROM case_stat_daily WHERE dimension = 'city'`);
    const jsm = await jetstreamManager(nc);
    const streamInfo = await jsm.streams.info(streamNameOf('dispatch'), { subjects_filter: 'gov.evt.dispatch.case.reported' });
    const reportedInStream = (streamInfo.state.subjects as Record<string, number> | undefined)?.['gov.evt.dispatch.case.reported'] ?? 0;
    const deadLetters = (await jsm.streams.info(deadLetterStreamOf('dispatch'))).state.messages;
    const lost = keys.filter((k) => acknowledged.has(k)).length - stored.drill;

    const result: DrillReport = {
      sent: keys.length,
      acknowledged: acknowledged.size,
      refused: refused.size,
      refusals: [...new Set(refused.values())].slice(0, 5),
      retries,
      stored: stored.cases,
      duplicates: stored.cases - stored.keys,
      lost,
      reportedEvents: reported.events,
      reportedInStream,
      reportedApplied: reported.applied,
      eventsPublished: reported.published - drained.unsent,
      eventsUnsent: drained.unsent,
      eventsNotApplied: drained.not_applied,
      rollupReceived: rollup.received,
      deadLetters,
      faults,
      drainMs,
      ok: false,
    };
    result.ok =
      result.acknowledged === result.sent &&
      result.refused === 0 &&
      result.stored === result.sent &&
      result.duplicates === 0 &&
      result.lost === 0 &&
      result.reportedEvents === result.stored &&
      result.reportedInStream === result.reportedEvents &&
      result.reportedApplied === result.reportedEvents &&
      result.eventsUnsent === 0 &&
      result.eventsNotApplied === 0 &&
      result.rollupReceived === result.stored &&
      result.deadLetters === 0;
    return result;
  } finally {
    await cleanupDrill(log);
  }
}

/** The report as lines for a person. */
export function describeDrill(r: DrillReport): string {
  const lines = [
    `sent ${r.sent}, acknowledged ${r.acknowledged} (${r.retries} retries of UNAVAILABLE), refused ${r.refused}, stored ${r.stored}, duplicates ${r.duplicates}, lost ${r.lost}`,
    ...r.refusals.map((e) => `  refused: ${e}`),
    `case.reported: ${r.reportedEvents} written, ${r.reportedInStream} in the stream, ${r.reportedApplied} applied; all events: ${r.eventsPublished} published, ${r.eventsUnsent} unsent, ${r.eventsNotApplied} not applied`,
    `rollup (city, received) ${r.rollupReceived} against ${r.stored} cases; dead letters ${r.deadLetters}; drained ${r.drainMs} ms after the last acknowledgement`,
    ...r.faults.map((f) => `  ${f.fault} at report ${f.atReport}: a report sent then acknowledged after ${f.recoveryMs} ms, its event applied after ${f.appliedMs} ms (down time included)`),
    r.ok ? 'drill passed: nothing lost or doubled' : 'DRILL FAILED',
  ];
  return lines.join('\n');
}
