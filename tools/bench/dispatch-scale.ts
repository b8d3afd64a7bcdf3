import 'reflect-metadata';
import pg from 'pg';
import { connect } from '@nats-io/transport-node';
import { subjects, type ReportCaseRequest } from '@gridwork/contracts';
import { GridworkClient } from '@gridwork/client';
import { boardTalliesSql, periodSumsSql } from '@gridwork/dispatch-service/sql';
import { startNatsServer } from '@gridwork/testing';
import { pick, rngFor, shuffle, type Rng } from '../seed/random.js';
import { cleanups, dispatchAnswers, log, openLoop, runBench, startDispatchDeployment } from './dispatch-world.js';
import { closedLoop, fmt, fmtInt, int, percentile, summarize, table, until, type Summary } from './stats.js';

/*
 * Dispatch at scale (issue: millions of closed cases slow neither intake nor
 * the live board; statistics for a district-month in under a second). Runs
 * against an existing dispatch database, typically one filled by
 * `npm run seed:dispatch-cases -- --synthetic-areas --cases 10000000`: starts a
 * private nats-server and the built dispatch service on that database as a
 * child process, then over NATS
 *
 * 1. intake: an open loop of reports (BENCH_RATE a second for BENCH_SECONDS)
 *    into random grids of the read model (by gridCode, no point), which
 *    leaves that many open cases for the board (they stay in the database);
 * 2. once the service has applied their events: `gov.dispatch.stats.assessment`
 *    for BENCH_CALLS different district-months, one at a time;
 * 3. `gov.dispatch.board.live` for the city and for districts, BENCH_CALLS each;
 *
 * then the service's own statements (imported from
 * `@gridwork/dispatch-service/sql`) under EXPLAIN (ANALYZE, BUFFERS), and the
 * size of the database.
 *
 * Usage: BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridwork_scale npm run bench:dispatch-scale
 * Env: BENCH_DATABASE_URL (required), BENCH_CALLS (20), BENCH_RATE (1000 reports/s), BENCH_SECONDS (15),
 *      BENCH_EXPLAIN_RUNS (5), BENCH_SEED (1), BENCH_SERVICE_NODE_ARGS (node flags for the service).
 */

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? '';
const CALLS = int('BENCH_CALLS', 20);
const RATE = int('BENCH_RATE', 1000);
const SECONDS = int('BENCH_SECONDS', 15);
const EXPLAIN_RUNS = int('BENCH_EXPLAIN_RUNS', 5);
const SEED = int('BENCH_SEED', 1);

interface PlanNode {
  'Node Type': string;
  Strategy?: string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Heap Fetches'?: number;
  'Rows Removed by Filter'?: number;
  'Shared Hit Blocks': number;
  'Shared Read Blocks': number;
  Plans?: PlanNode[];
}
interface Explained {
  Plan: PlanNode;
  'Planning Time': number;
  'Execution Time': number;
}

const AGGREGATES: Record<string, string> = { Sorted: 'GroupAggregate', Hashed: 'HashAggregate', Mixed: 'MixedAggregate', Plain: 'Aggregate' };
const nodeName = (n: PlanNode): string =>
  (n['Node Type'] === 'Aggregate' ? (AGGREGATES[n.Strategy ?? 'Plain'] ?? 'Aggregate') : n['Node Type']) +
  (n['Index Name'] ? ` using ${n['Index Name']}` : n['Relation Name'] ? ` on ${n['Relation Name']}` : '');

/** The plan's top node, then each first child down to the scan. */
function chain(n: PlanNode): PlanNode[] {
  const nodes = [n];
  while (nodes.at(-1)!.Plans?.length) nodes.push(nodes.at(-1)!.Plans![0]!);
  return nodes;
}

const median = (values: number[]): number => percentile(Float64Array.from(values).sort(), 0.5);

/** EXPLAIN (ANALYZE, BUFFERS) `runs` times: the median planning and execution times, and the last run's plan. */
async function explain(sql: pg.Client, text: string, params: unknown[], runs: number): Promise<{ plan: PlanNode; planning: number; execution: number; first: number }> {
  const results: Explained[] = [];
  for (let i = 0; i < runs; i++) {
    const { rows } = await sql.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${text}`, params);
    results.push((rows[0]['QUERY PLAN'] as Explained[])[0]!);
  }
  return {
    plan: results.at(-1)!.Plan,
    planning: median(results.map((r) => r['Planning Time'])),
    execution: median(results.map((r) => r['Execution Time'])),
    first: results[0]!['Execution Time'],
  };
}

/** Calls `call(i)` BENCH_CALLS times, one at a time. */
async function sequential(call: (i: number) => Promise<unknown>): Promise<Summary> {
  const latencies = new Float64Array(CALLS);
  const seconds = await closedLoop(CALLS, 1, call, latencies);
  return summarize(latencies, CALLS, seconds);
}

/** `2025-03` for each month from the one of `first` to the one of `last`. */
function monthsBetween(first: string, last: string): string[] {
  const months: string[] = [];
  let [y, m] = first.split('-').map(Number) as [number, number];
  const end = last.slice(0, 7);
  for (;;) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    if (month > end) return months;
    months.push(month);
    if (++m > 12) [y, m] = [y + 1, 1];
  }
}

/** Distinct (district, month) pairs, drawn at random. */
function districtMonths(rng: Rng, districts: string[], months: string[], count: number): { district: string; month: string }[] {
  return shuffle(rng, districts.flatMap((district) => months.map((month) => ({ district, month })))).slice(0, count);
}

const mb = (bytes: number | string): string => `${fmtInt(Number(bytes) / 1024 / 1024)} MB`;

async function main(): Promise<void> {
  if (!DATABASE_URL) throw new Error('set BENCH_DATABASE_URL to a dispatch database (e.g. one filled by npm run seed:dispatch-cases)');
  const sql = new pg.Client({ connectionString: DATABASE_URL });
  await sql.connect();
  cleanups.push(() => sql.end());
  const name = (await sql.query(`SELECT current_database() AS name`)).rows[0].name as string;
  if ((await sql.query(`SELECT to_regclass('case_stat_daily') IS NULL AS missing`)).rows[0].missing) {
    throw new Error(`${name} has no case_stat_daily: start the dispatch service on it once so its migrations run`);
  }
  const districts = (await sql.query<{ code: string }>(`SELECT code FROM known_area WHERE level = 'district' AND NOT retired ORDER BY code`)).rows.map((r) => r.code);
  const grids = (await sql.query<{ code: string }>(`SELECT code FROM known_area WHERE level = 'grid' AND NOT retired ORDER BY code`)).rows.map((r) => r.code);
  if (districts.length === 0 || grids.length === 0) throw new Error(`${name} has no districts or grids in its read model`);
  const [span] = (
    await sql.query<{ first: string | null; last: string | null }>(
      `SELECT to_char(min(day), 'YYYY-MM-DD') AS first, to_char(max(day), 'YYYY-MM-DD') AS last FROM case_stat_daily WHERE dimension = 'district'`,
    )
  ).rows;
  const today = new Date().toISOString().slice(0, 10);
  const months = monthsBetween(span?.first ?? today, span?.last ?? today);

  const nats = await startNatsServer();
  cleanups.push(() => nats.dispose());
  const nc = await connect({ servers: nats.url });
  cleanups.push(() => nc.close());
  const client = new GridworkClient(nc, { timeoutMs: 30_000 });
  log(`starting dispatch on ${name}`);
  const deployment = await startDispatchDeployment(DATABASE_URL, nats.url);
  log(`dispatch runs as ${deployment.description}`);
  await dispatchAnswers(client);

  // A grid-level category: the seed's, or defined here on an empty database.
  const category = 'environment';
  if ((await sql.query(`SELECT 1 FROM category WHERE code = $1`, [category])).rowCount === 0) {
    await client.request(subjects.dispatch.category.define, {
      code: category,
      name: 'Environment',
      responsible: { kind: 'level', level: 'grid' },
      acceptHours: 2,
      completeHours: 24,
      hoursKind: 'working',
    });
  }
  const run = `scale-${Date.now().toString(36)}`;
  const rng = rngFor(SEED, 'dispatch-scale');
  let seq = 0;
  const report = (): ReportCaseRequest => ({
    idempotencyKey: `${run}-${++seq}`,
    channel: 'hotline-12345',
    categoryCode: category,
    description: 'Overflowing bins at the corner of the market street, reported by a passer-by',
    gridCode: pick(rng, grids),
    reporter: { name: 'Resident', phone: '13800000000' },
  });
  const pairs = districtMonths(rng, districts, months, CALLS + 1);
  const assessment = (p: { district: string; month: string }) =>
    client.request(subjects.dispatch.stats.assessment, { dimension: 'district', key: p.district, from: p.month, to: p.month });

  log('warming up');
  await closedLoop(500, 16, () => client.request(subjects.dispatch.case.report, report()));
  await assessment(pairs[CALLS] ?? pairs[0]!);
  await client.request(subjects.dispatch.board.live, {});

  log(`intake: ${RATE} reports/s for ${SECONDS} s`);
  const open = await openLoop(client, RATE, SECONDS, report);
  const intake = summarize(open.latencies, open.sent, open.seconds);

  log('waiting for the service to publish and apply the events of those cases');
  await until('the outbox to drain', async () => (await sql.query(`SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL`)).rows[0].n === 0, 300_000, 500);
  await until(
    'the event handlers to go quiet',
    async () => (await sql.query(`SELECT count(*)::int AS n FROM inbox WHERE processed_at > now() - interval '3 seconds'`)).rows[0].n === 0,
    600_000,
    1_000,
  );

  log(`stats: ${CALLS} district-months`);
  let received = 0;
  const stats = await sequential(async (i) => {
    const reply = await assessment(pairs[i]!);
    received += reply.total.received;
  });
  log(`board: city and districts, ${CALLS} each`);
  let openOnBoard = 0;
  const boardCity = await sequential(async () => {
    openOnBoard = (await client.request(subjects.dispatch.board.live, {})).area.open;
  });
  const boardDistrict = await sequential((i) => client.request(subjects.dispatch.board.live, { areaCode: districts[i % districts.length]! }));

  log('EXPLAIN (ANALYZE, BUFFERS)');
  const probe = pairs[0]!;
  const lastDay = new Date(Date.UTC(Number(probe.month.slice(0, 4)), Number(probe.month.slice(5, 7)), 0)).toISOString().slice(0, 10);
  const district = districts[0]!;
  const now = new Date();
  const plans = [
    { what: `stats district ${probe.district} ${probe.month}`, ...(await explain(sql, periodSumsSql('total'), ['district', probe.district, `${probe.month}-01`, lastDay], EXPLAIN_RUNS)) },
    { what: 'board city', ...(await explain(sql, boardTalliesSql(false), [2, now], EXPLAIN_RUNS)) },
    { what: `board district ${district}`, ...(await explain(sql, boardTalliesSql(true), [3, now, 2, district], EXPLAIN_RUNS)) },
  ];

  log('counting');
  const [counts] = (
    await sql.query(`SELECT (SELECT count(*) FROM "case") AS cases,
                            (SELECT count(*) FROM "case" WHERE state NOT IN ('closed', 'merged', 'rejected')) AS open,
                            (SELECT count(*) FROM case_stat_daily) AS rollups,
                            pg_database_size(current_database()) AS db,
                            pg_total_relation_size('"case"') AS case_bytes,
                            pg_total_relation_size('case_timeline') AS timeline_bytes,
                            pg_total_relation_size('case_stat_daily') AS rollup_bytes`)
  ).rows;

  const row = (what: string, s: Summary, p99 = false) => [what, fmtInt(s.count), fmtInt(s.perSecond), fmt(s.p50), fmt(s.p95), p99 ? fmt(s.p99) : '', fmt(s.max)];
  process.stdout.write(
    `\nDispatch at scale: ${name}, ${fmtInt(Number(counts.cases))} cases (${fmtInt(Number(counts.open))} open), database ${mb(counts.db)}` +
      ` (case ${mb(counts.case_bytes)}, case_timeline ${mb(counts.timeline_bytes)}, case_stat_daily ${mb(counts.rollup_bytes)}: ${fmtInt(Number(counts.rollups))} rows)` +
      `\nService in its own process on a private nats-server; ${districts.length} districts, ${fmtInt(grids.length)} grids, rollups ${months[0]} … ${months.at(-1)}\n\n` +
      table([
        ['request over NATS', 'calls', 'per s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
        row(`stats.assessment, district-month (one at a time)`, stats),
        row(`board.live, city (one at a time)`, boardCity),
        row(`board.live, district (one at a time)`, boardDistrict),
        row(`case.report, open loop ${RATE}/s offered`, intake, true),
      ]) +
      `\n\nThe ${CALLS} district-months counted ${fmtInt(received)} cases received; the board showed ${fmtInt(openOnBoard)} open cases.\n\n` +
      table([
        [`SQL: EXPLAIN (ANALYZE, BUFFERS), median of ${EXPLAIN_RUNS}`, 'plan (top → scan)', 'scan rows kept', 'of', 'heap fetches', 'buffers hit', 'read', 'planning ms', 'execution ms', 'first run ms'],
        ...plans.map((p) => {
          const nodes = chain(p.plan);
          const scan = nodes.at(-1)!;
          return [
            p.what,
            nodes.map(nodeName).join(' → '),
            fmtInt(scan['Actual Rows'] * scan['Actual Loops']),
            fmtInt((scan['Actual Rows'] + (scan['Rows Removed by Filter'] ?? 0)) * scan['Actual Loops']),
            scan['Heap Fetches'] === undefined ? '' : fmtInt(scan['Heap Fetches']),
            fmtInt(p.plan['Shared Hit Blocks']),
            fmtInt(p.plan['Shared Read Blocks']),
            fmt(p.planning, 3),
            fmt(p.execution, 3),
            fmt(p.first, 3),
          ];
        }),
      ]) +
      `\n\nTarget: a district-month's statistics in under a second: ${stats.max < 1000 ? 'met' : 'NOT met'} (max ${fmt(stats.max)} ms)\n`,
  );
}

runBench(main);
