import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { subjects, type GateAnswer, type GateAsk } from '@gridwork/contracts';
import { GridworkClient } from '@gridwork/client';
import { ADMISSION_GATE_FACT_SQL, ADMISSION_GATE_FACTS_SQL } from '@gridwork/admission-service/sql';
import { gateFactParameters, gateFactsParameters, type GateQuestion } from '@gridwork/admission-rules';
import { ensureDatabase } from '@gridwork/persistence';
import { startNatsServer } from '@gridwork/testing';
import { dayFromToday, generateAdmissionWorld, levelCounts } from '../seed/admission-world.js';
import { rngFor, randInt, pick, type Rng } from '../seed/random.js';
import { measureCpu } from './cpu.js';
import { bareEcho, cleanups, dropDatabase, log, runBench, serviceAnswers, startService } from './run.js';
import { closedLoop, fmt, fmtInt, int, p95PerSecond, paced, summarize, table, until, type Summary } from './stats.js';

/*
 * The admission gate at the issue's scale: "is item X admitted at level L in
 * area A on day D?" over NATS (`admission.gate.check`), target p95 under 5 ms
 * at 1,000 questions a second, with 5,000 items and the lists of 3,000 areas.
 *
 * It starts a private nats-server and the built grid and admission services
 * as child processes, each on its own database (kept between runs); when the
 * admission database does not hold a world of the asked size, both are
 * emptied and the generator (tools/seed/admission-world.ts) makes one over
 * NATS, then ANALYZEs (autovacuum is off on the development machine, so
 * nothing else would), and waits for the admission outbox to drain. After a
 * warm-up (BENCH_WARMUP echoes and questions with 16 in flight, then as many
 * questions at BENCH_RATE: with the closed loop alone, the first second
 * measured was still slow), open loop (each question sent when due,
 * whatever is in flight):
 *  1. a raw baseline, a bare NATS request/reply echo in this process, and the
 *     gate, questions of random items, areas, levels and days, both at
 *     BENCH_RATE, taking turns in two rounds (so other work on the machine
 *     falls on both);
 *  2. the gate at each rate of BENCH_STEPS, to find where it stops keeping up;
 *  3. the batch form, BENCH_BATCH questions a request at BENCH_BATCH_RATE requests/s;
 * and checks that BENCH_CHECK questions asked one by one get the same answers
 * as in a batch. It prints throughput and p50/p95/p99/max for each, the
 * cores each process used, and the gate's SQL under EXPLAIN ANALYZE.
 *
 * Usage: npm run bench:admission-gate
 * Env: BENCH_RATE (1000/s), BENCH_SECONDS (10), BENCH_STEPS (2000,3000,4000), BENCH_STEP_SECONDS (5),
 *      BENCH_BATCH (100), BENCH_BATCH_RATE (20/s), BENCH_WARMUP (3000), BENCH_CHECK (500),
 *      BENCH_AREAS (3000), BENCH_ITEMS (5000), BENCH_SEED (13),
 *      BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/gridwork_bench_admission; grid's is it with _grid),
 *      BENCH_FRESH=1 (generate again even when the world is there), BENCH_LOG_LEVEL (error), BENCH_SERVICE_NODE_ARGS.
 */

const RATE = int('BENCH_RATE', 1_000);
const SECONDS = int('BENCH_SECONDS', 10);
/** The baseline and the gate at the target rate alternate in this many rounds of ROUND_SECONDS each. */
const ROUNDS = 2;
const ROUND_SECONDS = Math.ceil(SECONDS / ROUNDS);
const STEPS = (process.env.BENCH_STEPS ?? '2000,3000,4000').split(',').filter(Boolean).map(Number);
const STEP_SECONDS = int('BENCH_STEP_SECONDS', 5);
const BATCH = int('BENCH_BATCH', 100);
const BATCH_RATE = int('BENCH_BATCH_RATE', 20);
const WARMUP = int('BENCH_WARMUP', 3_000);
const CHECK = int('BENCH_CHECK', 500);
const AREAS = int('BENCH_AREAS', 3_000);
const ITEMS = int('BENCH_ITEMS', 5_000);
const SEED = int('BENCH_SEED', 13);
const CITY = '4499';
const FRESH = process.env.BENCH_FRESH === '1';
/** The services' log level: at warn, admission says every few seconds that it waits for dispatch's stream (dispatch does not run here). */
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'error';
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gridwork_bench_admission';
const GRID_DATABASE_URL = DATABASE_URL.replace(/\/([^/?]+)(\?|$)/, '/$1_grid$2');
const TARGET_P95_MS = 5;
const EXPLAIN_RUNS = 5;

interface World {
  nc: NatsConnection;
  client: GridworkClient;
  db: pg.Client;
  natsPid?: number;
  services: Record<'grid' | 'admission', ChildProcess>;
}

/** What the admission database holds, or undefined when it has no tables yet. */
async function heldWorld(url: string): Promise<{ items: number; areas: number; lists: number } | undefined> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const { rows } = await db.query<{ items: number; areas: number; lists: number }>(
      `SELECT (SELECT count(*)::int FROM item) AS items, (SELECT count(*)::int FROM known_area) AS areas, (SELECT count(*)::int FROM list) AS lists`,
    );
    return rows[0];
  } catch {
    return undefined;
  } finally {
    await db.end();
  }
}

/** The databases (emptied when they do not hold the asked world), a private nats-server and both services. */
async function startWorld(): Promise<{ world: World; generate: boolean }> {
  await ensureDatabase(DATABASE_URL);
  const held = await heldWorld(DATABASE_URL);
  const generate = FRESH || !held || held.items !== ITEMS || held.areas !== AREAS || held.lists === 0;
  if (generate) {
    log(`emptying ${new URL(DATABASE_URL).pathname.slice(1)} and ${new URL(GRID_DATABASE_URL).pathname.slice(1)} to generate ${fmtInt(AREAS)} areas and ${fmtInt(ITEMS)} items`);
    for (const url of [DATABASE_URL, GRID_DATABASE_URL]) await dropDatabase(url);
  }
  for (const url of [DATABASE_URL, GRID_DATABASE_URL]) await ensureDatabase(url);
  const nats = await startNatsServer();
  cleanups.push(() => nats.dispose());
  const nc = await connect({ servers: nats.url, name: 'bench-admission-gate' });
  cleanups.push(() => nc.close());
  const client = new GridworkClient(nc, { timeoutMs: 10_000 });
  const t0 = performance.now();
  const grid = startService('grid', GRID_DATABASE_URL, nats.url, { LOG_LEVEL });
  const admission = startService('admission', DATABASE_URL, nats.url, { LOG_LEVEL });
  await serviceAnswers(client, subjects.grid.health.check, grid, 120_000);
  await serviceAnswers(client, subjects.admission.health.check, admission, 120_000);
  log(`private nats-server ${nats.url}; grid and admission services up in ${fmt((performance.now() - t0) / 1000, 1)} s`);
  const db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();
  cleanups.push(() => db.end());
  return { world: { nc, client, db, natsPid: nats.pid, services: { grid, admission } }, generate };
}

/** The pieces questions are made of, from the admission database. */
async function questionParts(db: pg.Client) {
  const areas = (await db.query<{ code: string; level: string }>(`SELECT code, level FROM known_area ORDER BY code`)).rows;
  const items = (await db.query<{ code: string }>(`SELECT code FROM item ORDER BY code`)).rows.map((r) => r.code);
  const listed = (await db.query<{ code: string }>(`SELECT DISTINCT item_code AS code FROM list_entry ORDER BY 1`)).rows.map((r) => r.code);
  const byLevel = (level: string) => areas.filter((a) => a.level === level).map((a) => a.code);
  return { grids: byLevel('grid'), communities: byLevel('community'), above: areas.filter((a) => a.level !== 'grid' && a.level !== 'community').map((a) => a.code), items, listed };
}

/**
 * A department's question: mostly grids and communities (where tasks land),
 * half of them about an item some list holds, days from three days ago to
 * four months on (a fifth without a day: today); one in a hundred names an
 * unknown area or item.
 */
function questionMaker(parts: Awaited<ReturnType<typeof questionParts>>, rng: Rng): () => GateAsk {
  const gridSet = new Set(parts.grids);
  return () => {
    const r = rng();
    const areaCode = r < 0.01 ? 'NOWHERE' : r < 0.7 ? pick(rng, parts.grids) : r < 0.95 ? pick(rng, parts.communities) : pick(rng, parts.above);
    const level = gridSet.has(areaCode) || rng() < 0.3 ? 'grid' : 'community';
    const s = rng();
    const itemCode = s < 0.01 ? 'no-such.item' : s < 0.5 ? pick(rng, parts.listed) : pick(rng, parts.items);
    return { itemCode, level, areaCode, ...(rng() < 0.2 ? {} : { on: dayFromToday(randInt(rng, -3, 120)) }) };
  };
}

type Run = { summary: Summary; latencies: Float64Array; cores: Map<string, number> };

/** An open loop of `rate` calls a second for `seconds`; the cores each process used meanwhile. */
async function openLoop(world: World, rate: number, seconds: number, call: (i: number) => Promise<unknown>): Promise<Run> {
  const count = rate * seconds;
  const latencies = new Float64Array(count);
  // The backends serving these two databases only: other work's PostgreSQL counts as other processes.
  const backends = new Set(
    (await world.db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = ANY ($1)`, [[DATABASE_URL, GRID_DATABASE_URL].map((u) => new URL(u).pathname.slice(1))])).rows.map((r) => r.pid),
  );
  const cpu = measureCpu([
    { name: 'admission', has: (pid) => pid === world.services.admission.pid },
    { name: 'grid', has: (pid) => pid === world.services.grid.pid },
    { name: 'PostgreSQL', has: (pid) => backends.has(pid) },
    { name: 'NATS', has: (pid) => pid === world.natsPid },
    { name: 'load generator', has: (pid) => pid === process.pid },
  ]);
  const wall = await paced(count, rate, call, latencies);
  const cores = cpu.stop();
  return { summary: summarize(latencies, count, wall), latencies, cores };
}

/** Runs of the same length taken one after another, as one: latencies in order, cores averaged. */
function joined(runs: Run[]): Run {
  const latencies = new Float64Array(runs.reduce((n, r) => n + r.latencies.length, 0));
  let at = 0;
  for (const run of runs) {
    latencies.set(run.latencies, at);
    at += run.latencies.length;
  }
  const cores = new Map<string, number>();
  for (const run of runs) for (const [name, used] of run.cores) cores.set(name, (cores.get(name) ?? 0) + used / runs.length);
  return { summary: summarize(latencies, latencies.length, runs.reduce((t, r) => t + r.summary.seconds, 0)), latencies, cores };
}

const questionOf = (ask: GateAsk): GateQuestion => ({ itemCode: ask.itemCode, level: ask.level, areaCode: ask.areaCode, on: ask.on ?? dayFromToday(0) });

/** A statement under EXPLAIN (ANALYZE, BUFFERS): the median execution of EXPLAIN_RUNS, with its plan. */
async function explain(db: pg.Client, sql: string, parameters: unknown[]): Promise<{ plan: string; executionMs: number; planningMs: number }> {
  const runs: { plan: string; executionMs: number; planningMs: number }[] = [];
  for (let i = 0; i < EXPLAIN_RUNS; i++) {
    const { rows } = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, parameters);
    const lines = rows.map((r) => r['QUERY PLAN']);
    const ms = (label: string) => Number(lines.find((l) => l.startsWith(label))?.match(/([\d.]+) ms/)?.[1] ?? NaN);
    runs.push({ plan: lines.join('\n'), executionMs: ms('Execution Time'), planningMs: ms('Planning Time') });
  }
  runs.sort((a, b) => a.executionMs - b.executionMs);
  return runs[Math.floor(runs.length / 2)]!;
}

/**
 * The gate's statements alone, as the service runs them (named prepared
 * statements), one at a time on one connection of this process: ms per call,
 * round trip included. The one-question form is planned five times, then
 * runs its generic plan; the batch form is planned on every call.
 */
async function preparedCallMs(db: pg.Client, asks: GateAsk[]): Promise<{ one: number; batchOfOne: number }> {
  const time = async (name: string, text: string, values: (ask: GateAsk) => unknown[]) => {
    const t = performance.now();
    for (const ask of asks) await db.query({ name, text, values: values(ask) });
    return (performance.now() - t) / asks.length;
  };
  return {
    one: await time('bench-gate-fact', ADMISSION_GATE_FACT_SQL, (ask) => gateFactParameters(questionOf(ask))),
    batchOfOne: await time('bench-gate-facts', ADMISSION_GATE_FACTS_SQL, (ask) => gateFactsParameters([questionOf(ask)])),
  };
}

const tally = (answers: GateAnswer[]) => {
  const counts = new Map<string, number>();
  for (const a of answers) counts.set(a.reason ?? 'admitted', (counts.get(a.reason ?? 'admitted') ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]);
};

async function main(): Promise<void> {
  const started = performance.now();
  const { world, generate } = await startWorld();
  const { client, db } = world;
  if (generate) {
    const summary = await generateAdmissionWorld(world.nc, { areas: AREAS, items: ITEMS, seed: SEED, cityCode: CITY, concurrency: 16, log });
    log(`generated in ${summary.seconds.total} s: ${JSON.stringify(summary)}`);
    await db.query('ANALYZE');
  }
  const sizes = (
    await db.query<{ items: number; areas: number; lists: number; versions: number; later: number; entries: number }>(
      `SELECT (SELECT count(*)::int FROM item) AS items, (SELECT count(*)::int FROM known_area) AS areas, (SELECT count(*)::int FROM list) AS lists,
              (SELECT count(*)::int FROM list_version WHERE effective_on IS NOT NULL) AS versions,
              (SELECT count(*)::int FROM list_version WHERE effective_on > current_date) AS later,
              (SELECT count(*)::int FROM list_entry e JOIN list_version v ON v.id = e.version_id WHERE v.effective_on IS NOT NULL) AS entries`,
    )
  ).rows[0]!;
  // The generator leaves thousands of events in the outbox (each published list with its entries): measure after they are out.
  await until('the outbox to drain', async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL`)).rows[0]!.n === 0, 300_000, 500);
  const parts = await questionParts(db);
  const next = questionMaker(parts, rngFor(SEED, 'bench-admission-gate'));
  const gate = () => client.request(subjects.admission.gate.check, next());
  const echo = await bareEcho(world.nc);
  const echoBody = JSON.stringify(next());

  log(`warm-up: ${fmtInt(WARMUP)} echoes and questions, 16 in flight, then ${fmtInt(WARMUP)} questions at ${fmtInt(RATE)}/s`);
  await closedLoop(WARMUP, 16, () => echo(echoBody));
  await closedLoop(WARMUP, 16, gate);
  await paced(WARMUP, RATE, gate);

  // Baseline and gate take turns, so a burst of other work on the machine falls on both.
  const answers: GateAnswer[] = [];
  const baselineRuns: Run[] = [];
  const targetRuns: Run[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    log(`round ${round + 1} of ${ROUNDS}: bare NATS echo, then the gate, at ${fmtInt(RATE)}/s for ${ROUND_SECONDS} s each`);
    baselineRuns.push(await openLoop(world, RATE, ROUND_SECONDS, () => echo(echoBody)));
    targetRuns.push(await openLoop(world, RATE, ROUND_SECONDS, async () => answers.push(await gate())));
  }
  const baseline = joined(baselineRuns);
  const target = joined(targetRuns);
  const steps: { rate: number; run: Run }[] = [];
  for (const rate of STEPS) {
    log(`gate at ${fmtInt(rate)}/s for ${STEP_SECONDS} s`);
    steps.push({ rate, run: await openLoop(world, rate, STEP_SECONDS, gate) });
  }
  log(`batch: ${BATCH} questions a request at ${BATCH_RATE}/s for ${SECONDS} s`);
  const batches = await openLoop(world, BATCH_RATE, SECONDS, () => client.request(subjects.admission.gate.checkBatch, { asks: Array.from({ length: BATCH }, next) }));

  // One by one or in a batch, the same answers.
  const sample = Array.from({ length: CHECK }, next);
  const single = await Promise.all(sample.map((ask) => client.request(subjects.admission.gate.check, ask)));
  const batched: GateAnswer[] = [];
  for (let start = 0; start < sample.length; start += 500) batched.push(...(await client.request(subjects.admission.gate.checkBatch, { asks: sample.slice(start, start + 500) })).answers);
  const disagreeing = sample.filter((_, i) => JSON.stringify(single[i]) !== JSON.stringify(batched[i])).length;

  const explainOne = await explain(db, ADMISSION_GATE_FACT_SQL, gateFactParameters(questionOf({ ...next(), areaCode: pick(rngFor(SEED, 'explain'), parts.grids), itemCode: parts.listed[0]! })));
  const explainBatch = await explain(db, ADMISSION_GATE_FACTS_SQL, gateFactsParameters(Array.from({ length: BATCH }, next).map(questionOf)));
  const sqlAlone = await preparedCallMs(db, Array.from({ length: 2_000 }, next));

  const row = (label: string, x: Summary, unit = 1) => [label, fmtInt(x.count * unit), fmtInt(x.perSecond * unit), fmt(x.p50), fmt(x.p95), fmt(x.p99), fmt(x.max)];
  const cores = (run: { cores: Map<string, number> }) => [...run.cores].map(([name, used]) => `${name} ${fmt(used)}`).join(', ');
  const counts = levelCounts(AREAS);
  const passed = target.summary.p95 < TARGET_P95_MS && disagreeing === 0;
  const out = [
    '',
    `Admission gate over NATS (node ${process.version}, private nats-server, grid and admission services as child processes, ${availableParallelism()} CPUs)`,
    `${fmtInt(sizes.areas)} areas known to admission (${Object.entries(counts).map(([level, n]) => `${fmtInt(n)} ${level}`).join(', ')}), ${fmtInt(sizes.items)} items, ` +
      `${fmtInt(sizes.lists)} lists, ${fmtInt(sizes.versions)} published versions (${fmtInt(sizes.later)} in force from a later day), ${fmtInt(sizes.entries)} entries in them`,
    `questions: 70 % grids, 25 % communities, 5 % above; half about a listed item; days -3..+120 (a fifth without a day); 1 % unknown area or item`,
    '',
    table([
      ['run', 'questions', 'per s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
      row(`raw baseline: bare NATS echo at ${fmtInt(RATE)}/s`, baseline.summary),
      row(`gate.check at ${fmtInt(RATE)}/s`, target.summary),
      ...steps.map(({ rate, run }) => row(`gate.check at ${fmtInt(rate)}/s`, run.summary)),
      row(`gate.check-batch, ${BATCH} a request at ${fmtInt(BATCH_RATE)}/s (latency per request)`, batches.summary, BATCH),
    ]),
    '',
    `gate.check at ${fmtInt(RATE)}/s, p95 by second (ms): ${p95PerSecond(target.latencies, RATE).map((v) => fmt(v, 1)).join(' ')}`,
    `cores used, baseline: ${cores(baseline)}`,
    `cores used, gate.check at ${fmtInt(RATE)}/s: ${cores(target)}`,
    ...steps.map(({ rate, run }) => `cores used, gate.check at ${fmtInt(rate)}/s: ${cores(run)}`),
    `cores used, batches: ${cores(batches)}`,
    `answers at ${fmtInt(RATE)}/s: ${tally(answers).map(([reason, n]) => `${reason} ${fmt((100 * n) / answers.length, 1)} %`).join(', ')}`,
    `${CHECK} questions asked one by one and in a batch: ${CHECK - disagreeing} agree`,
    '',
    `the gate's SQL (@gridwork/admission-service/sql) under EXPLAIN ANALYZE, median of ${EXPLAIN_RUNS}: one question ${fmt(explainOne.executionMs)} ms (planning ${fmt(explainOne.planningMs)} ms), ` +
      `${BATCH} questions ${fmt(explainBatch.executionMs)} ms (planning ${fmt(explainBatch.planningMs)} ms)`,
    `the SQL alone, prepared as the service prepares it, one call at a time from here: one-question form ${fmt(sqlAlone.one, 3)} ms a call, ` +
      `batch form with one question ${fmt(sqlAlone.batchOfOne, 3)} ms (planned afresh each call)`,
    process.env.BENCH_PLANS === '1' ? `${explainOne.plan}\n\n${explainBatch.plan}` : '(BENCH_PLANS=1 prints the plans)',
    '',
    `target p95 < ${TARGET_P95_MS} ms at ${fmtInt(RATE)}/s: ${fmt(target.summary.p95)} ms (baseline ${fmt(baseline.summary.p95)} ms) ${target.summary.p95 < TARGET_P95_MS ? 'PASS' : 'FAIL'}`,
    `total run ${fmt((performance.now() - started) / 1000, 1)} s`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  if (!passed) process.exitCode = 1;
}

runBench(main);
