import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { connect } from '@nats-io/transport-node';
import { subjects } from '@gridwork/contracts';
import { GridworkClient } from '@gridwork/client';
import { ensureDatabase } from '@gridwork/persistence';
import { startNatsServer } from '@gridwork/testing';
import { checkLedger } from '@gridwork/timebank-service/ledger-check';
import { generateLedgerWorld } from '../seed/timebank-ledger.js';
import { cleanups, log, runBench, serviceAnswers, startService } from './run.js';
import { closedLoop, fmt, fmtInt, int, paced, summarize, table, type Summary } from './stats.js';

/*
 * npm run bench:timebank-ledger: the timebank ledger at scale.
 *
 *   1. A fresh database (BENCH_DATABASE_URL, default gridwork_bench_timebank)
 *      migrated by the built timebank service on a private nats-server, then
 *      filled by the generator (tools/seed/timebank-ledger.ts):
 *      BENCH_VOLUNTEERS volunteer time accounts (1,300,000) in
 *      BENCH_COMMUNITIES communities (1,300), BENCH_ENTRIES entries
 *      (5,000,000; the issue's target is 50,000,000).
 *   2. Balance lookups: BENCH_LOOKUPS `account.get` of random volunteers
 *      over NATS, BENCH_CONCURRENCY (16) in flight; beside them the raw
 *      baseline, the same row read with pg at the same concurrency.
 *   3. Transfers: BENCH_RATE a second (1,000) for BENCH_SECONDS (20) of
 *      `transfer.create` (gifts of a minute between random volunteers) over
 *      NATS, an open loop; beside them the raw baseline, the same ledger
 *      transaction (lock both accounts in id order, insert the transfer and
 *      its two entries, update both accounts) by pg at the same rate.
 *   4. check:ledger's invariants over the whole ledger.
 *
 * Targets (issue 14): lookup p95 under 10 ms; transfers at 1,000/s with p95
 * under 50 ms. Exit code 1 when a target is missed or the ledger is broken.
 */

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gridwork_bench_timebank';
const VOLUNTEERS = int('BENCH_VOLUNTEERS', 1_300_000);
const COMMUNITIES = int('BENCH_COMMUNITIES', 1_300);
const ENTRIES = int('BENCH_ENTRIES', 5_000_000);
const LOOKUPS = int('BENCH_LOOKUPS', 20_000);
const CONCURRENCY = int('BENCH_CONCURRENCY', 16);
const RATE = int('BENCH_RATE', 1_000);
const SECONDS = int('BENCH_SECONDS', 20);
const TARGET_LOOKUP_P95_MS = 10;
const TARGET_TRANSFER_P95_MS = 50;

async function dropDatabase(url: string): Promise<void> {
  const admin = new URL(url);
  const name = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const db = new pg.Client({ connectionString: admin.toString() });
  await db.connect();
  try {
    await db.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await db.end();
  }
}

const row = (name: string, s: Summary) => [name, fmtInt(s.count), fmt(s.perSecond, 0), fmt(s.p50), fmt(s.p95), fmt(s.p99), fmt(s.max)];

/** With BENCH_REUSE=1, the ledger a previous run generated (of the same number of volunteers) is measured again instead of made anew. */
async function reusable(url: string): Promise<boolean> {
  if (process.env.BENCH_REUSE !== '1') return false;
  const db = new pg.Client({ connectionString: url });
  try {
    await db.connect();
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM bench_volunteer`);
    return rows[0]!.n === VOLUNTEERS;
  } catch {
    return false;
  } finally {
    await db.end().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const reuse = await reusable(DATABASE_URL);
  if (!reuse) await dropDatabase(DATABASE_URL);
  await ensureDatabase(DATABASE_URL);
  const nats = await startNatsServer();
  cleanups.push(() => nats.dispose());
  const nc = await connect({ servers: nats.url, name: 'bench-timebank-ledger' });
  cleanups.push(() => nc.close());
  const client = new GridworkClient(nc, { timeoutMs: 10_000 });
  // Connections enough for 1,000 transactions a second of a few milliseconds each (the default, 10, caps the service near 500/s here).
  const service = startService('timebank', DATABASE_URL, nats.url, { LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error', DB_POOL_SIZE: String(int('BENCH_DB_POOL_SIZE', 32)) });
  await serviceAnswers(client, subjects.timebank.health.check, service, 120_000);

  const db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();
  cleanups.push(() => db.end());
  const world = reuse
    ? { volunteerAccounts: VOLUNTEERS, communities: COMMUNITIES, seconds: { accounts: 0, transfers: 0, balances: 0 } }
    : (log(`generating ${fmtInt(VOLUNTEERS)} volunteer accounts in ${fmtInt(COMMUNITIES)} communities and ${fmtInt(ENTRIES)} entries`),
      await generateLedgerWorld(db, { volunteers: VOLUNTEERS, entries: ENTRIES, communities: COMMUNITIES, log }));
  if (reuse) log('measuring the ledger a previous run generated (BENCH_REUSE=1)');
  log(`generated in ${fmt(world.seconds.accounts, 0)} s (accounts) + ${fmt(world.seconds.transfers, 0)} s (transfers) + ${fmt(world.seconds.balances, 0)} s (balances)`);
  const ids = (await db.query<{ account_id: string }>(`SELECT account_id FROM bench_volunteer ORDER BY n`)).rows.map((r) => r.account_id);
  const [{ size }] = (await db.query<{ size: string }>(`SELECT pg_size_pretty(pg_database_size(current_database())) AS size`)).rows as [{ size: string }];
  const randomAccount = () => ids[Math.floor(Math.random() * ids.length)]!;
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 32 });
  cleanups.push(() => pool.end());

  // Warm both paths a little, so the first requests' connection set-up is not measured.
  await closedLoop(500, CONCURRENCY, () => client.request(subjects.timebank.account.get, { id: randomAccount() }));
  await closedLoop(500, CONCURRENCY, () => pool.query(`SELECT * FROM account WHERE id = $1`, [randomAccount()]));

  const natsLookups = new Float64Array(LOOKUPS);
  const natsLookupSeconds = await closedLoop(LOOKUPS, CONCURRENCY, () => client.request(subjects.timebank.account.get, { id: randomAccount() }), natsLookups);
  const rawLookups = new Float64Array(LOOKUPS);
  const rawLookupSeconds = await closedLoop(
    LOOKUPS,
    CONCURRENCY,
    () => pool.query(`SELECT id, debits_pending, debits_posted, credits_pending, credits_posted FROM account WHERE id = $1`, [randomAccount()]),
    rawLookups,
  );

  const count = RATE * SECONDS;
  const pair = () => {
    const a = randomAccount();
    let b = randomAccount();
    while (b === a) b = randomAccount();
    return [a, b] as const;
  };
  const natsTransfers = new Float64Array(count);
  let refused = 0;
  const natsTransferSeconds = await paced(
    count,
    RATE,
    () => {
      const [debit, credit] = pair();
      return client
        .request(subjects.timebank.transfer.create, { id: randomUUID(), debitAccountId: debit, creditAccountId: credit, amount: 1, code: 'gift', reference: 'gift:bench', actor: { id: 'bench' } })
        .catch(() => refused++);
    },
    natsTransfers,
  );
  // The raw baseline: the same ledger transaction, written by hand, at the same rate.
  const rawTransfers = new Float64Array(count);
  const rawTransferSeconds = await paced(
    count,
    RATE,
    async () => {
      const [debit, credit] = pair();
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        await c.query(`SELECT id FROM account WHERE id = ANY ($1::uuid[]) ORDER BY id FOR UPDATE`, [[debit, credit]]);
        const id = randomUUID();
        await c.query(
          `INSERT INTO transfer (id, kind, debit_account_id, credit_account_id, amount, currency, code, reference, digest, actor_id) VALUES ($1, 'single', $2, $3, 1, 'time', 'gift', 'gift:raw', 'raw', 'bench')`,
          [id, debit, credit],
        );
        await c.query(`INSERT INTO entry (account_id, transfer_id, side, phase, amount) VALUES ($1, $3, 'debit', 'posted', 1), ($2, $3, 'credit', 'posted', 1)`, [debit, credit, id]);
        await c.query(`UPDATE account SET debits_posted = debits_posted + 1 WHERE id = $1`, [debit]);
        await c.query(`UPDATE account SET credits_posted = credits_posted + 1 WHERE id = $1`, [credit]);
        await c.query('COMMIT');
      } catch (error) {
        await c.query('ROLLBACK');
        throw error;
      } finally {
        c.release();
      }
    },
    rawTransfers,
  );

  const t0 = performance.now();
  const report = await checkLedger(async <T>(sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows as T[]);
  const checkSeconds = (performance.now() - t0) / 1000;

  const lookups = summarize(natsLookups, LOOKUPS, natsLookupSeconds);
  const transfers = summarize(natsTransfers, count, natsTransferSeconds);
  process.stdout.write(
    `\ntimebank ledger: ${fmtInt(world.volunteerAccounts)} volunteer accounts in ${fmtInt(world.communities)} communities, ${fmtInt(report.transfers)} transfers, ${fmtInt(report.entries)} entries (${size})\n` +
      (reuse ? 'generated by an earlier run (BENCH_REUSE=1)\n\n' : `generated in ${fmt(world.seconds.accounts + world.seconds.transfers + world.seconds.balances, 0)} s\n\n`) +
      table([
        ['latency ms', 'count', 'per s', 'p50', 'p95', 'p99', 'max'],
        row('balance lookup over NATS (account.get)', lookups),
        row('  raw: the row by pg', summarize(rawLookups, LOOKUPS, rawLookupSeconds)),
        row(`transfer over NATS (transfer.create) at ${RATE}/s`, transfers),
        row(`  raw: the same transaction by pg at ${RATE}/s`, summarize(rawTransfers, count, rawTransferSeconds)),
      ]) +
      `\ntransfers refused: ${refused}\ncheck:ledger over the whole ledger: ${report.ok ? 'holds' : `BROKEN (${report.checks.filter((c) => !c.ok).map((c) => c.name).join(', ')})`} in ${fmt(checkSeconds, 1)} s\n` +
      `targets: lookup p95 < ${TARGET_LOOKUP_P95_MS} ms: ${lookups.p95 < TARGET_LOOKUP_P95_MS ? 'met' : 'MISSED'}; transfers ${RATE}/s p95 < ${TARGET_TRANSFER_P95_MS} ms: ${transfers.p95 < TARGET_TRANSFER_P95_MS && transfers.perSecond >= RATE * 0.95 ? 'met' : 'MISSED'}\n`,
  );
  if (!report.ok || lookups.p95 >= TARGET_LOOKUP_P95_MS || transfers.p95 >= TARGET_TRANSFER_P95_MS || refused > 0) process.exitCode = 1;
}

runBench(main);
