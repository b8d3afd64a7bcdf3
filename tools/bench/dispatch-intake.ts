import 'reflect-metadata';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { subjects, type ReportCaseRequest } from '@gridwork/contracts';
import { GridworkClient } from '@gridwork/client';
import { createTestDatabase, startNatsServer } from '@gridwork/testing';
import { measureCpu } from './cpu.js';
import { cleanups, dispatchAnswers, dispatchCpuGroups, log, openLoop, runBench, startDispatchDeployment } from './dispatch-world.js';
import { closedLoop, fmt, fmtInt, int, p95PerSecond, summarize, table, until } from './stats.js';
import { prepareIntakeWorld } from './dispatch-world.js';

/*
 * Intake benchmark of the dispatch service (issue: ≥ 1,000 cases/s sustained
 * over NATS, 95th percentile under 50 ms, each case and its events durably
 * stored). The service runs as its own process (dist build) on a private
 * nats-server and a throw-away database, with 1,000 grids in its read model.
 * In the same run the machine's raw PostgreSQL single-row commit rate is
 * measured, and intake is given as a ratio of it.
 *
 * Usage: npm run bench:dispatch-intake
 * Env: BENCH_RATE (1000 cases/s offered), BENCH_SECONDS (30), BENCH_CONCURRENCY
 *      (64, the closed-loop run), BENCH_CLOSED (20000 cases), BENCH_COMMIT_SECONDS (5),
 *      BENCH_SERVICE_NODE_ARGS (extra node flags for the service processes, e.g. --cpu-prof),
 *      BENCH_ONE_PROCESS=1 (dispatch as one process doing requests and events, instead of two).
 */

const RATE = int('BENCH_RATE', 1000);
const SECONDS = int('BENCH_SECONDS', 30);
const CONCURRENCY = int('BENCH_CONCURRENCY', 64);
const CLOSED = int('BENCH_CLOSED', 20_000);
const COMMIT_SECONDS = int('BENCH_COMMIT_SECONDS', 5);
const GRID_SIDE = 32; // 32 × 32 = 1,024 grids


/** Single-row INSERT commits per second with `clients` connections, each committing on its own. */
async function rawCommitRate(url: string, clients: number, seconds: number): Promise<number> {
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  await setup.query(`CREATE TABLE IF NOT EXISTS bench_commit (id bigserial PRIMARY KEY, payload text NOT NULL)`);
  await setup.end();
  const connections = await Promise.all(
    Array.from({ length: clients }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  let commits = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    connections.map(async (c) => {
      while (performance.now() < deadline) {
        await c.query(`INSERT INTO bench_commit (payload) VALUES ($1)`, ['a case-sized row of text']);
        commits++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await Promise.all(connections.map((c) => c.end()));
  return commits / elapsed;
}

let seq = 0;
function randomReport(run: string): ReportCaseRequest {
  seq++;
  return {
    idempotencyKey: `${run}-${seq}`,
    channel: 'hotline-12345',
    categoryCode: 'environment',
    description: 'Overflowing bins at the corner of the market street, reported by a passer-by',
    location: { longitude: 113.2 + Math.random() * GRID_SIDE * 0.01, latitude: 23.0 + Math.random() * GRID_SIDE * 0.01 },
    reporter: { name: 'Resident', phone: '13800000000' },
  };
}

async function main(): Promise<void> {
  const nats = await startNatsServer();
  cleanups.push(() => nats.dispose());
  const db = await createTestDatabase('bench_dispatch');
  cleanups.push(() => db.drop());
  // The load generator shares the machine with what it measures: no stack captured per request (as the services do).
  const nc: NatsConnection = await connect({ servers: nats.url, noAsyncTraces: true });
  cleanups.push(() => nc.close());
  const client = new GridworkClient(nc, { timeoutMs: 30_000 });

  log('measuring raw PostgreSQL single-row commits');
  const raw1 = await rawCommitRate(db.url, 1, COMMIT_SECONDS);
  const raw16 = await rawCommitRate(db.url, 16, COMMIT_SECONDS);

  log('starting dispatch');
  const deployment = await startDispatchDeployment(db.url, nats.url);
  await dispatchAnswers(client);
  const sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  cleanups.push(() => sql.end());
  await prepareIntakeWorld(db.url, client, GRID_SIDE);

  log('warming up');
  await closedLoop(2_000, CONCURRENCY, () => client.request(subjects.dispatch.case.report, randomReport('warm')));

  log(`closed loop: ${CLOSED} reports, ${CONCURRENCY} in flight`);
  const closedLatencies = new Float64Array(CLOSED);
  const closedSeconds = await closedLoop(CLOSED, CONCURRENCY, () => client.request(subjects.dispatch.case.report, randomReport('closed')), closedLatencies);
  const closed = summarize(closedLatencies, CLOSED, closedSeconds);

  log(`open loop: ${RATE} reports/s for ${SECONDS} s`);
  const cpu = measureCpu(dispatchCpuGroups(deployment, nats.pid));
  const open = await openLoop(client, RATE, SECONDS, () => randomReport('open'));
  const cores = cpu.stop();
  const paced = summarize(open.latencies, open.sent, open.seconds);

  // Durably stored: every case in PostgreSQL with its events, and the events published to JetStream.
  const expected = 2_000 + CLOSED + open.sent;
  const [{ cases }] = (await sql.query(`SELECT count(*)::int AS cases FROM "case"`)).rows;
  await until('the outbox to drain into JetStream', async () => (await sql.query(`SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL`)).rows[0].n === 0, 120_000, 200);
  const [{ events }] = (await sql.query(`SELECT count(*)::int AS events FROM outbox WHERE subject IN ('gov.evt.dispatch.case.reported', 'gov.evt.dispatch.case.assigned')`)).rows;

  process.stdout.write(
    `\nDispatch intake over NATS (dispatch as ${deployment.description}; ${GRID_SIDE * GRID_SIDE} grids; point → grid, routing, deadlines, timeline, 2 events per case)\n\n` +
      table([
        ['run', 'cases', 'cases/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
        [`closed loop, ${CONCURRENCY} in flight`, fmtInt(closed.count), fmtInt(closed.perSecond), fmt(closed.p50), fmt(closed.p95), fmt(closed.p99), fmt(closed.max)],
        [`open loop, ${RATE}/s offered`, fmtInt(paced.count), fmtInt(paced.perSecond), fmt(paced.p50), fmt(paced.p95), fmt(paced.p99), fmt(paced.max)],
      ]) +
      `\nOpen loop p95 by second (ms): ${p95PerSecond(open.latencies, RATE).map((v) => fmtInt(v)).join(' ')}` +
      `\nCores used during the open loop: ${[...cores].map(([name, used]) => `${name} ${fmt(used)}`).join(', ')} (of ${availableParallelism()})` +
      `\n\nRaw PostgreSQL single-row commits: ${fmtInt(raw1)}/s on 1 connection, ${fmtInt(raw16)}/s on 16 connections` +
      `\nIntake (closed loop) ÷ raw commits: ${fmt(closed.perSecond / raw1)}x of 1 connection, ${fmt(closed.perSecond / raw16)}x of 16 connections` +
      `\nStored: ${fmtInt(cases)} cases of ${fmtInt(expected)} sent; ${fmtInt(events)} intake events, all published to JetStream` +
      `\nTargets: ≥ 1,000 cases/s sustained: ${paced.perSecond >= 1000 * 0.98 && RATE >= 1000 ? 'met' : 'NOT met'}; p95 < 50 ms at that rate: ${paced.p95 < 50 ? 'met' : 'NOT met'}\n`,
  );
  if (cases !== expected) throw new Error(`${expected - cases} cases were not stored`);
}

runBench(main);
