import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { subjects, type LocatePointReply } from '@gridwork/contracts';
import { GridworkClient } from '@gridwork/client';
import { ensureDatabase } from '@gridwork/persistence';
import { startNatsServer, type NatsServerProcess } from '@gridwork/testing';
import { areaExists, loadAreas } from '../seed/loader.js';
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

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

let nats: NatsServerProcess | undefined;
let service: ChildProcess | undefined;
let nc: NatsConnection | undefined;
let db: pg.Client | undefined;
let disposed: Promise<void> | undefined;

function dispose(): Promise<void> {
  disposed ??= (async () => {
    await nc?.close().catch(() => undefined);
    await db?.end().catch(() => undefined);
    const child = service;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await nats?.dispose().catch((err) => log(`stopping nats-server: ${err}`));
  })();
  return disposed;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    log(`${signal}: cleaning up`);
    void dispose().finally(() => process.exit(130));
  });
}

/** Starts the built grid service on `natsUrl` and waits until it answers its health check over NATS. */
async function startGridService(natsUrl: string, client: GridworkClient): Promise<void> {
  const main = resolve(root, 'apps/grid/dist/main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build first (npm run build)`);
  service = spawn(process.execPath, [main], {
    env: { ...process.env, DATABASE_URL, NATS_URL: natsUrl, HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', LOG_LEVEL },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<never>((_, reject) =>
    service!.once('exit', (code, signal) => reject(new Error(`the grid service exited (${signal ?? code}) while starting`))),
  );
  exited.catch(() => undefined);
  await Promise.race([
    until(
      'the grid service to answer its health check',
      async () => {
        try {
          const health = await client.request(subjects.grid.health.check, {}, { timeoutMs: 1_000 });
          return health.status === 'up';
        } catch {
          return false;
        }
      },
      120_000,
      200,
    ),
    exited,
  ]);
}

/** CPU time (user + system) of a process in ms from /proc, or NaN where there is none (not Linux, gone, not readable). */
function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}
const CLOCK_TICKS = 100;

/** CPU ms of the service process, the database's backends and this process, to divide by the lookups made in between. */
async function cpuSnapshot(client: pg.Client): Promise<{ service: number; postgres: number; bench: number }> {
  const { rows } = await client.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
  const usage = process.cpuUsage();
  return {
    service: processCpuMs(service?.pid),
    postgres: rows.reduce((sum, { pid }) => sum + processCpuMs(pid), 0),
    bench: (usage.user + usage.system) / 1000,
  };
}

/** Events the service still has to publish from its outbox (a fresh import leaves one per area). */
async function outboxBacklog(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL`);
  return rows[0]!.n;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  let natsUrl = EXTERNAL_NATS;
  if (!natsUrl) {
    nats = await startNatsServer();
    natsUrl = nats.url;
    await ensureDatabase(DATABASE_URL);
  }
  nc = await connect({ servers: natsUrl, name: 'bench-grid-locate' });
  const client = new GridworkClient(nc, { timeoutMs: 10_000 });
  if (!EXTERNAL_NATS) {
    log(`private nats-server ${natsUrl}; starting the grid service on ${new URL(DATABASE_URL).pathname.slice(1)}`);
    await startGridService(natsUrl, client);
    log(`grid service up in ${fmt((performance.now() - t0) / 1000, 1)} s`);
  }
  db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();

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
    await until('the outbox to drain', async () => (await outboxBacklog(db!)) === 0, 600_000, 500);
  }
  const { rows: countRows } = await db.query<{ grids: number }>(
    `SELECT count(*)::int AS grids FROM area WHERE level = 'grid' AND retired_at IS NULL AND $1 = ANY (path)`,
    [CITY],
  );
  const grids = countRows[0]!.grids;

  // Points spread evenly over the city's area, the same for the same seed.
  const total = WARMUP + LOOKUPS + PACED;
  const { rows: points } = await db.query<{ x: number; y: number }>(
    `SELECT ST_X(p.geom) AS x, ST_Y(p.geom) AS y
       FROM area a, ST_Dump(ST_GeneratePoints(a.boundary, $2, $3)) AS p
      WHERE a.code = $1`,
    [CITY, total, SEED],
  );
  if (points.length !== total) throw new Error(`generated ${points.length} points in ${CITY}, expected ${total}`);
  const warm = points.slice(0, WARMUP);
  const measured = points.slice(WARMUP, WARMUP + LOOKUPS);
  const pacedPoints = points.slice(WARMUP + LOOKUPS);
  const locate = (p: { x: number; y: number }) => client.request(subjects.grid.area.locate, { longitude: p.x, latitude: p.y });

  log(`warm-up: ${fmtInt(WARMUP)} lookups`);
  await closedLoop(WARMUP, CONCURRENCY, (i) => locate(warm[i]!));

  log(`throughput: ${fmtInt(LOOKUPS)} lookups, ${CONCURRENCY} in flight`);
  const latencies = new Float64Array(LOOKUPS);
  const replies: (LocatePointReply | undefined)[] = new Array(LOOKUPS);
  const cpuBefore = await cpuSnapshot(db);
  const seconds = await closedLoop(
    LOOKUPS,
    CONCURRENCY,
    async (i) => {
      replies[i] = await locate(measured[i]!);
    },
    latencies,
  );
  const closed = summarize(latencies, LOOKUPS, seconds);
  const cpuAfter = await cpuSnapshot(db);
  const cpuPerLookup = {
    service: (cpuAfter.service - cpuBefore.service) / LOOKUPS,
    postgres: (cpuAfter.postgres - cpuBefore.postgres) / LOOKUPS,
    bench: (cpuAfter.bench - cpuBefore.bench) / LOOKUPS,
  };

  log(`latency: ${fmtInt(PACED)} lookups offered at ${fmtInt(RATE)}/s`);
  const pacedLatencies = new Float64Array(PACED);
  const pacedSeconds = await paced(PACED, RATE, (i) => locate(pacedPoints[i]!), pacedLatencies);
  const open = summarize(pacedLatencies, PACED, pacedSeconds);

  const found = replies.filter((r) => r?.grid).length;
  const onBorder = replies.filter((r) => r?.onBorder).length;
  const fullPaths = replies.filter((r) => r?.grid && r.areas.length === 5 && r.areas[0]!.code === CITY && r.areas[4]!.code === r.grid.code).length;

  // Correctness on a sample: the grid PostGIS says contains the point.
  const sample = Array.from({ length: CHECK }, (_, k) => Math.floor((k * LOOKUPS) / CHECK));
  const { rows: truth } = await db.query<{ code: string | null }>(
    `SELECT (SELECT a.code FROM area a
              WHERE a.level = 'grid' AND a.retired_at IS NULL AND ST_Contains(a.boundary, ST_SetSRID(ST_MakePoint(t.x, t.y), 4326))
              ORDER BY a.code LIMIT 1) AS code
       FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS t(x, y, i) ORDER BY t.i`,
    [sample.map((i) => measured[i]!.x), sample.map((i) => measured[i]!.y)],
  );
  const mismatches = sample
    .map((i, k) => ({ i, expected: truth[k]!.code, actual: replies[i]?.grid?.code ?? null }))
    .filter((m) => m.expected !== m.actual);

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
  out.push(`total run ${fmt((performance.now() - t0) / 1000, 1)} s`);
  process.stdout.write(`${out.join('\n')}\n`);
  if (!p95Pass || !ratePass || mismatches.length > 0) process.exitCode = 1;
}


let failed = false;
try {
  await main();
} catch (err) {
  log(`failed: ${(err as Error).stack ?? String(err)}`);
  failed = true;
} finally {
  await dispose();
}
process.exit(failed ? 1 : (process.exitCode ?? 0));
