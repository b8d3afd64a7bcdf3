import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { connect } from '@nats-io/transport-node';
import { subjects, type SearchMembersRequest } from '@gridwork/contracts';
import { GridworkClient } from '@gridwork/client';
import { ensureDatabase } from '@gridwork/persistence';
import { startNatsServer } from '@gridwork/testing';
import { generateOrgWorld, idNumberOf, memberNumberOf } from '../seed/org-world.js';
import { pick, randInt, rngFor } from '../seed/random.js';
import { bareEcho, cleanups, dropDatabase, log, runBench, serviceAnswers, startService } from './run.js';
import { closedLoop, fmt, fmtInt, int, paced, summarize, table, type Summary } from './stats.js';

/*
 * The org service at the issue's scale: 30,000 organizations and 1,000,000
 * members (and 260,000 of them reported in to a community), subtree counts
 * (`org.organization.subtree`) and member search (`org.member.search`) p95
 * under 100 ms over NATS, beside a raw baseline from the same run (a bare
 * NATS request/reply echo in this process).
 *
 * It starts a private nats-server and the built org service as a child
 * process on its own database (kept between runs); when the database does
 * not hold a world of the asked size it is emptied and the generator
 * (tools/seed/org-world.ts) writes one. After a warm-up, open loop at
 * BENCH_RATE for BENCH_SECONDS each: the echo, subtree counts of random
 * district (a fifth), township (three tenths) and community (half)
 * committees, and member searches: part of a name (surname and one given
 * character) within a township's subtree (two fifths), one given character
 * within a community's (a fifth), an exact member number (a fifth), an exact
 * ID number through the keyed hash (a fifth). Then the city root's subtree
 * once, the largest there is.
 *
 * Usage: npm run bench:org-scale
 * Env: BENCH_RATE (50/s), BENCH_SECONDS (10), BENCH_WARMUP (200), BENCH_ORGANIZATIONS (30000),
 *      BENCH_MEMBERS (1000000), BENCH_REPORTED_IN (260000), BENCH_SEED (7),
 *      BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/gridwork_bench_org), BENCH_FRESH=1, BENCH_LOG_LEVEL (error).
 */

const RATE = int('BENCH_RATE', 50);
const SECONDS = int('BENCH_SECONDS', 10);
const WARMUP = int('BENCH_WARMUP', 200);
const ORGANIZATIONS = int('BENCH_ORGANIZATIONS', 30_000);
const MEMBERS = int('BENCH_MEMBERS', 1_000_000);
const REPORTED_IN = int('BENCH_REPORTED_IN', 260_000);
const SEED = int('BENCH_SEED', 7);
const FRESH = process.env.BENCH_FRESH === '1';
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'error';
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gridwork_bench_org';
const TARGET_P95_MS = 100;
/** The benchmark's own keys (never a deployment's): the generator seals with them, the service reads with them. */
const KEYS = {
  ORG_PII_KEYS: 'bench-1:YmVuY2htYXJrLWtleS1vbmx5LW5vdC1mb3ItdXNlISE=',
  ORG_PII_CURRENT_KEY: 'bench-1',
  ORG_PII_HASH_KEY: 'YmVuY2htYXJrLWhhc2gta2V5LW5vdC1mb3ItdXNlISE=',
};

async function held(url: string): Promise<{ organizations: number; members: number } | undefined> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    return (await db.query<{ organizations: number; members: number }>(`SELECT (SELECT count(*)::int FROM organization) AS organizations, (SELECT count(*)::int FROM member) AS members`)).rows[0];
  } catch {
    return undefined;
  } finally {
    await db.end();
  }
}

async function openLoop(call: (i: number) => Promise<unknown>): Promise<Summary> {
  const count = RATE * SECONDS;
  const latencies = new Float64Array(count);
  const wall = await paced(count, RATE, call, latencies);
  return summarize(latencies, count, wall);
}

async function main(): Promise<void> {
  await ensureDatabase(DATABASE_URL);
  const have = await held(DATABASE_URL);
  const generate = FRESH || !have || have.organizations !== ORGANIZATIONS || have.members !== MEMBERS;
  if (generate) {
    log(`emptying ${new URL(DATABASE_URL).pathname.slice(1)} to generate ${fmtInt(ORGANIZATIONS)} organizations and ${fmtInt(MEMBERS)} members`);
    await dropDatabase(DATABASE_URL);
    await ensureDatabase(DATABASE_URL);
  }
  const nats = await startNatsServer();
  cleanups.push(() => nats.dispose());
  const nc = await connect({ servers: nats.url, name: 'bench-org-scale' });
  cleanups.push(() => nc.close());
  const client = new GridworkClient(nc, { timeoutMs: 10_000 });
  const org = startService('org', DATABASE_URL, nats.url, { LOG_LEVEL, ...KEYS });
  await serviceAnswers(client, subjects.org.health.check, org, 120_000);
  const db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();
  cleanups.push(() => db.end());
  if (generate) await generateOrgWorld(db, { organizations: ORGANIZATIONS, members: MEMBERS, reportedIn: REPORTED_IN, seed: SEED }, KEYS, log);

  const rng = rngFor(SEED, 'org-bench');
  const ids = async (sql: string) => (await db.query<{ id: string }>(sql)).rows.map((r) => r.id);
  const level = (areaLevel: string) => ids(`SELECT o.id FROM organization o JOIN known_area a ON a.code = o.area_code WHERE o.kind = 'committee' AND a.level = '${areaLevel}' ORDER BY o.id`);
  const [districts, townships, communities] = [await level('district'), await level('township'), await level('community')];
  const [root] = await ids(`SELECT id FROM organization WHERE parent_id IS NULL`);
  const names = (await db.query<{ name: string }>(`SELECT name FROM member TABLESAMPLE SYSTEM (1) LIMIT 2000`)).rows.map((r) => r.name);
  const members = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM member`)).rows[0]!.n;
  const organizations = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM organization`)).rows[0]!.n;
  const reportedIn = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM report_in`)).rows[0]!.n;
  log(`world: ${fmtInt(organizations)} organizations, ${fmtInt(members)} members, ${fmtInt(reportedIn)} reported in`);

  const subtree = () => {
    const r = rng();
    const id = r < 0.2 ? pick(rng, districts) : r < 0.5 ? pick(rng, townships) : pick(rng, communities);
    return client.request(subjects.org.organization.subtree, { id });
  };
  // Each search's kind and latency, for the breakdown below the table.
  const kinds: { kind: string; ms: number }[] = [];
  const search = async () => {
    const r = rng();
    let request: SearchMembersRequest;
    let kind: string;
    if (r < 0.4) [kind, request] = ['name (2 characters) in a township', { name: pick(rng, names).slice(0, 2), withinOrganizationId: pick(rng, townships), limit: 20 }];
    else if (r < 0.6) [kind, request] = ['name (1 character) in a community', { name: pick(rng, names).slice(1, 2), withinOrganizationId: pick(rng, communities), limit: 20 }];
    else if (r < 0.8) [kind, request] = ['member number', { number: memberNumberOf(randInt(rng, 0, members - 1)) }];
    else [kind, request] = ['ID number (keyed hash)', { idNumber: idNumberOf(randInt(rng, 0, members - 1)) }];
    const t0 = performance.now();
    const reply = await client.request(subjects.org.member.search, request);
    kinds.push({ kind, ms: performance.now() - t0 });
    return reply;
  };
  // The exact searches find their member: the generator and the bench agree on numbers and ID numbers.
  const found = await client.request(subjects.org.member.search, { idNumber: idNumberOf(members - 1), viewer: { id: 'bench', personalData: true } });
  if (found.items[0]?.idNumber !== idNumberOf(members - 1)) throw new Error('the ID-number search did not find the generated member');

  const echoBody = JSON.stringify({ id: '0190a000-0000-7000-8000-000000000000' });
  const bare = await bareEcho(nc);
  const echo = () => bare(echoBody);
  await closedLoop(WARMUP, 8, echo);
  await closedLoop(WARMUP, 8, subtree);
  await closedLoop(WARMUP, 8, search);
  const results: [string, Summary][] = [];
  for (const [name, call] of [['bare NATS echo (baseline)', echo], ['organization.subtree', subtree], ['member.search', search]] as const) {
    log(`${name}: ${RATE}/s for ${SECONDS} s`);
    kinds.length = 0;
    results.push([name, await openLoop(call)]);
  }
  const byKind = [...new Set(kinds.map((k) => k.kind))].map((kind) => {
    const ms = kinds.filter((k) => k.kind === kind).map((k) => k.ms);
    return [`  search: ${kind}`, summarize(ms, ms.length, SECONDS)] as [string, Summary];
  });
  const t = performance.now();
  const city = await client.request(subjects.org.organization.subtree, { id: root! });
  const cityMs = performance.now() - t;

  console.log(
    table([
      ['request', 'count', 'per s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
      ...[...results, ...byKind].map(([name, s]) => [name, fmtInt(s.count), fmt(s.perSecond, 1), fmt(s.p50), fmt(s.p95), fmt(s.p99), fmt(s.max)]),
    ]),
  );
  console.log(`city root subtree once: ${fmt(cityMs)} ms (${fmtInt(city.organizations)} organizations, ${fmtInt(city.fullMembers + city.probationaryMembers)} members)`);
  const missed = results.slice(1).filter(([, s]) => s.p95 >= TARGET_P95_MS);
  console.log(missed.length === 0 ? `target met: p95 under ${TARGET_P95_MS} ms for both` : `target missed: ${missed.map(([n, s]) => `${n} p95 ${fmt(s.p95)} ms`).join(', ')}`);
  if (missed.length > 0) process.exitCode = 2;
}

runBench(main);
