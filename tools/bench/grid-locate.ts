import os from 'node:os';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { subjects, type LocatePointReply } from '@gridwork/contracts';
import { GridworkClient } from '@gridwork/client';
import { isActiveGrid, pointOf } from '@gridwork/grid-service/sql';
import { ensureDatabase } from '@gridwork/persistence';
import { startNatsServer } from '@gridwork/testing';
import { areaExists, loadAreas } from '../seed/loader.js';
import { processCpuSeconds } from './cpu.js';
import { cleanups, log, runBench, serviceAnswers, startService } from './run.js';
import { closedLoop, fmt, fmtInt, int, paced, summarize, table, until, type Summary } from './stats.js';

/*
 * "Where is this?" at Guangzhou scale: `grid.area.locate` over NATS for random
 * points inside the city, against a grid service holding the seed from
 * `npm run seed:guangzhou`. Targets: p95 under 5 ms and at least 1,000
 * lookups per second. Two runs, since a closed loop's latency is mostly
 * queueing (Little's law: in flight / throughput):
 *  1. throughput: BENCH_LOOKUPS lookups with BENCH_CONCURRENCY in flight;
 *  2. latency at the target rate: BENCH_PACED_LOOKUPS lookups sent at
 *     BENCH_RATE per second without waiting for answers (open loop).
 * Then 200 of the answers are checked against PostGIS ST_Contains in the
 * service's database.
 *
 * By default it starts a private nats-server and the built grid service
 * (apps/grid/dist/main.js) as a child process on BENCH_DATABASE_URL, which is
 * kept between runs; the first run imports tools/seed/out/guangzhou.geojson
 * into it. With BENCH_NATS_URL it uses a grid service that is already running
 * there instead (BENCH_DATABASE_URL must then be that service's database).
 *
 * Usage: npm run bench:grid-locate
 * Env: BENCH_LOOKUPS (20000), BENCH_WARMUP (2000), BENCH_CONCURRENCY (16),
 *      BENCH_RATE (1000/s), BENCH_PACED_LOOKUPS (10000),
 *      BENCH_SEED (1), BENCH_CHECK (200), BENCH_CITY (4401),
 *      BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/gridwork_bench_grid),
 *      BENCH_NATS_URL (unset: start a private server and service),
 *      BENCH_SEED_FILE (tools/seed/out/guangzhou.geojson), BENCH_LOG_LEVEL (warn).
 */

const root = resolve(import.meta.dirname, '../../..');
const LOOKUPS = int('BENCH_LOOKUPS', 20_000);
const WARMUP = int('BENCH_WARMUP', 2_000);
const CONCURRENCY = int('BENCH_CONCURRENCY', 16);
const RATE = int('BENCH_RATE', 1_000);
const PACED = int('BENCH_PACED_LOOKUPS', 10_000);
const SEED = int('BENCH_SEED', 1);
const CHECK = Math.min(int('BENCH_CHECK', 200), LOOKUPS);
const CITY = process.env.BENCH_CITY ?? '4401';
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gridwork_bench_grid';
const EXTERNAL_NATS = process.env.BENCH_NATS_URL;
const SEED_FILE = process.env.BENCH_SEED_FILE ?? resolve(root, 'tools/seed/out/guangzhou.geojson');
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'warn';
const TARGET_P95_MS = 5;
const TARGET_PER_SECOND = 1_000;

type Point = { x: number; y: number };

interface World {
  nc: NatsConnection;
  client: GridworkClient;
  db: pg.Client;
  /** The grid service started here, or undefined when BENCH_NATS_URL names a running one. */
  service?: ChildProcess;
}

/** A private nats-server and the built grid service as a child process, or the running service at BENCH_NATS_URL. */
async function startWorld(): Promise<World> {
  const t0 = performance.now();
  let natsUrl = EXTERNAL_NATS;
  if (!natsUrl) {
    const nats = await startNatsServer();
    cleanups.push(() => nats.dispose());
    natsUrl = nats.url;
    await ensureDatabase(DATABASE_URL);
  }
  const nc = await connect({ servers: natsUrl, name: 'bench-grid-locate' });
  cleanups.push(() => nc.close());
  const client = new GridworkClient(nc, { timeoutMs: 10_000 });
  let service: ChildProcess | undefined;
  if (!EXTERNAL_NATS) {
    log(`private nats-server ${natsUrl}; starting the grid service on ${new URL(DATABASE_URL).pathname.slice(1)}`);
    service = startService('grid', DATABASE_URL, natsUrl, { LOG_LEVEL });
    await serviceAnswers(client, subjects.grid.health.check, service, 120_000);
    log(`grid service up in ${fmt((performance.now() - t0) / 1000, 1)} s`);
  }
  const db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();
  cleanups.push(() => db.end());
  return { nc, client, db, service };
}

/** Imports the seed once (the database is kept between runs) and waits until the service has published its outbox. */
async function ensureSeed({ nc, client, db }: World): Promise<void> {
  if (!(await areaExists(client, CITY))) {
    if (EXTERNAL_NATS) throw new Error(`area ${CITY} is not loaded in the running service: npm run seed:load`);
    if (!existsSync(SEED_FILE)) throw new Error(`${SEED_FILE} is missing: run npm run seed:guangzhou first`);
    log(`loading ${SEED_FILE} (once; the database is kept)`);
    const load = await loadAreas(nc, SEED_FILE, { cityCode: CITY, log });
    if (load.reply && load.reply.rejected.length > 0) throw new Error(`${load.reply.rejected.length} features were rejected`);
  }
  const backlog = await outboxBacklog(db);
  if (backlog > 0) {
    log(`waiting for the service to publish ${backlog} outbox events first`);
    await until('the outbox to drain', async () => (await outboxBacklog(db)) === 0, 600_000, 500);
  }
}

/** Events the service still has to publish from its outbox (a fresh import leaves one per area). */
async function outboxBacklog(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL`);
  return rows[0]!.n;
}

async function activeGridsUnderCity(db: pg.Client): Promise<number> {
  const { rows } = await db.query<{ grids: number }>(`SELECT count(*)::int AS grids FROM area a WHERE ${isActiveGrid('a')} AND $1 = ANY (a.path)`, [CITY]);
  return rows[0]!.grids;
}

/** Points spread evenly over the city's area, the same for the same seed. */
async function cityPoints(db: pg.Client, total: number): Promise<Point[]> {
  const { rows: points } = await db.query<Point>(
    `SELECT ST_X(p.geom) AS x, ST_Y(p.geom) AS y
       FROM area a, ST_Dump(ST_GeneratePoints(a.boundary, $2, $3)) AS p
      WHERE a.code = $1`,
    [CITY, total, SEED],
  );
  if (points.length !== total) throw new Error(`generated ${points.length} points in ${CITY}, expected ${total}`);
  return points;
}

/** CPU ms of the service process, the database's backends and this process, to divide by the lookups made in between. */
async function cpuSnapshot(db: pg.Client, service: ChildProcess | undefined): Promise<{ service: number; postgres: number; bench: number }> {
  const { rows } = await db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
  const usage = process.cpuUsage();
  return {
    service: service?.pid === undefined ? NaN : processCpuSeconds(service.pid) * 1000,
    postgres: rows.reduce((sum, { pid }) => sum + processCpuSeconds(pid) * 1000, 0),
    bench: (usage.user + usage.system) / 1000,
  };
}

/**
 * Correctness on a sample: the active grid PostGIS says contains the point
 * (the lowest code, as the service picks on a shared border), against the
 * grid the service answered.
 */
async function mismatchesWithPostgis(db: pg.Client, measured: Point[], replies: (LocatePointReply | undefined)[]) {
  const sample = Array.from({ length: CHECK }, (_, k) => Math.floor((k * LOOKUPS) / CHECK));
  const { rows: truth } = await db.query<{ code: string | null }>(
    `SELECT (SELECT a.code FROM area a
              WHERE ${isActiveGrid('a')} AND ST_Contains(a.boundary, ${pointOf('t.x', 't.y')})
              ORDER BY a.code LIMIT 1) AS code
       FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS t(x, y, i) ORDER BY t.i`,
    [sample.map((i) => measured[i]!.x), sample.map((i) => measured[i]!.y)],
  );
  return sample.map((i, k) => ({ i, expected: truth[k]!.code, actual: replies[i]?.grid?.code ?? null })).filter((m) => m.expected !== m.actual);
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const world = await startWorld();
  const { client, db } = world;
  await ensureSeed(world);
  const grids = await activeGridsUnderCity(db);
  const points = await cityPoints(db, WARMUP + LOOKUPS + PACED);
  const warm = points.slice(0, WARMUP);
  const measured = points.slice(WARMUP, WARMUP + LOOKUPS);
  const pacedPoints = points.slice(WARMUP + LOOKUPS);
  const locate = (p: Point) => client.request(subjects.grid.area.locate, { longitude: p.x, latitude: p.y });

  log(`warm-up: ${fmtInt(WARMUP)} lookups`);
  await closedLoop(WARMUP, CONCURRENCY, (i) => locate(warm[i]!));

  log(`throughput: ${fmtInt(LOOKUPS)} lookups, ${CONCURRENCY} in flight`);
  const latencies = new Float64Array(LOOKUPS);
  const replies: (LocatePointReply | undefined)[] = new Array(LOOKUPS);
  const cpuBefore = await cpuSnapshot(db, world.service);
  const seconds = await closedLoop(
    LOOKUPS,
    CONCURRENCY,
    async (i) => {
      replies[i] = await locate(measured[i]!);
    },
    latencies,
  );
  const closed = summarize(latencies, LOOKUPS, seconds);
  const cpuAfter = await cpuSnapshot(db, world.service);
  const cpuPerLookup = {
    service: (cpuAfter.service - cpuBefore.service) / LOOKUPS,
    postgres: (cpuAfter.postgres - cpuBefore.postgres) / LOOKUPS,
    bench: (cpuAfter.bench - cpuBefore.bench) / LOOKUPS,
  };

  log(`latency: ${fmtInt(PACED)} lookups offered at ${fmtInt(RATE)}/s`);
  const pacedLatencies = new Float64Array(PACED);
  const pacedSeconds = await paced(PACED, RATE, (i) => locate(pacedPoints[i]!), pacedLatencies);
  const open = summarize(pacedLatencies, PACED, pacedSeconds);

  const mismatches = await mismatchesWithPostgis(db, measured, replies);
  const passed = printReport({ grids, closed, open, cpuPerLookup, replies, measured, mismatches, seconds: (performance.now() - t0) / 1000 });
  if (!passed) process.exitCode = 1;
}

interface Results {
  grids: number;
  closed: Summary;
  open: Summary;
  cpuPerLookup: { service: number; postgres: number; bench: number };
  replies: (LocatePointReply | undefined)[];
  measured: Point[];
  mismatches: { i: number; expected: string | null; actual: string | null }[];
  seconds: number;
}

/** Prints the results; whether the targets are met and every sampled answer agrees with PostGIS. */
function printReport({ grids, closed, open, cpuPerLookup, replies, measured, mismatches, seconds }: Results): boolean {
  const found = replies.filter((r) => r?.grid).length;
  const onBorder = replies.filter((r) => r?.onBorder).length;
  const fullPaths = replies.filter((r) => r?.grid && r.areas.length === 5 && r.areas[0]!.code === CITY && r.areas[4]!.code === r.grid.code).length;

  const p95Pass = open.p95 < TARGET_P95_MS;
  const ratePass = closed.perSecond >= TARGET_PER_SECOND;
  const row = (label: string, x: Summary) => [label, fmtInt(x.count), fmtInt(x.perSecond), fmt(x.p50), fmt(x.p95), fmt(x.p99), fmt(x.max)];
  const out: string[] = [];
  out.push('');
  out.push(
    `Grid locate benchmark (node ${process.version}, ${EXTERNAL_NATS ? `running service at ${EXTERNAL_NATS}` : 'private nats-server, grid service as a child process'}, ` +
      `${fmtInt(grids)} active grids under ${CITY}, ${os.cpus().length} CPUs)`,
  );
  out.push(`grid.area.locate over NATS for random points in the city (seed ${SEED}), after ${fmtInt(WARMUP)} warm-up lookups`);
  out.push(
    table([
      ['run', 'lookups', 'lookups/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
      row(`closed loop, ${CONCURRENCY} in flight`, closed),
      row(`open loop, offered ${fmtInt(RATE)}/s`, open),
    ]),
  );
  const known = Object.values(cpuPerLookup).filter(Number.isFinite);
  const cpuTotal = known.reduce((a, b) => a + b, 0);
  out.push(
    `CPU per lookup in the closed loop: grid service ${fmt(cpuPerLookup.service)} ms, PostgreSQL backends ${fmt(cpuPerLookup.postgres)} ms, ` +
      `this client ${fmt(cpuPerLookup.bench)} ms (nats-server not counted); ${fmt(cpuTotal)} ms in all, ` +
      `so about ${fmtInt((os.cpus().length * 1000) / cpuTotal)} lookups/s if ${os.cpus().length} CPUs did nothing else`,
  );
  out.push(`found in a grid: ${fmtInt(found)} of ${fmtInt(LOOKUPS)} (${fmt((100 * found) / LOOKUPS, 1)} %); on a border ${onBorder}; full city→grid path ${fmtInt(fullPaths)}`);
  out.push(`check against ST_Contains: ${CHECK - mismatches.length} of ${CHECK} agree`);
  for (const m of mismatches.slice(0, 10)) {
    out.push(`  point ${measured[m.i]!.x.toFixed(6)}, ${measured[m.i]!.y.toFixed(6)}: service ${m.actual ?? 'none'}, PostGIS ${m.expected ?? 'none'}`);
  }
  out.push(`target p95 < ${TARGET_P95_MS} ms at ${fmtInt(RATE)}/s: ${fmt(open.p95)} ms ${p95Pass ? 'PASS' : 'FAIL'}`);
  out.push(`target >= ${fmtInt(TARGET_PER_SECOND)} lookups/s: ${fmtInt(closed.perSecond)}/s ${ratePass ? 'PASS' : 'FAIL'}`);
  out.push(`total run ${fmt(seconds, 1)} s`);
  process.stdout.write(`${out.join('\n')}\n`);
  return p95Pass && ratePass && mismatches.length === 0;
}


runBench(main);
