import type pg from 'pg';

/*
 * A timebank ledger at scale, written straight into a migrated timebank
 * database (the service's own tables) by set-based SQL: communities under
 * one city, each with its time pool; volunteers' time accounts spread over
 * them; service deposits from each volunteer's community pool, each a
 * transfer with its two entries; then every account's sums from its
 * entries. FK checks and the immutability triggers are off for the
 * generating session only (session_replication_role = replica), as a bulk
 * load would have them; `check:ledger` afterwards proves what was made is
 * sound. Volunteers here are accounts only (no `volunteer` rows): the
 * benchmark measures the ledger.
 */

export interface LedgerWorldOptions {
  volunteers: number;
  /** Entries to make: two per transfer. */
  entries: number;
  communities: number;
  /** Transfers per statement. */
  chunk?: number;
  log: (line: string) => void;
}

export interface LedgerWorldSummary {
  communities: number;
  volunteerAccounts: number;
  transfers: number;
  entries: number;
  seconds: { accounts: number; transfers: number; balances: number };
}

export const BENCH_CITY = 'BENCH';

export async function generateLedgerWorld(db: pg.Client, options: LedgerWorldOptions): Promise<LedgerWorldSummary> {
  const { volunteers, communities, log } = options;
  const transfers = Math.floor(options.entries / 2);
  const chunk = options.chunk ?? 500_000;
  await db.query(`SET session_replication_role = replica`);
  await db.query(`SET synchronous_commit = off`);
  let t0 = performance.now();
  await db.query(
    `INSERT INTO known_area (code, name, level, parent_code, path)
     SELECT $1, 'Bench city', 'city', NULL, ARRAY[$1::text]
     UNION ALL
     SELECT $1 || '-' || lpad(c::text, 5, '0'), 'Bench community ' || c, 'community', $1, ARRAY[$1::text, $1 || '-' || lpad(c::text, 5, '0')]
       FROM generate_series(1, $2::int) c`,
    [BENCH_CITY, communities],
  );
  await db.query(
    `INSERT INTO account (id, owner_kind, owner_id, area_code, area_path, currency, debits_must_not_exceed_credits, digest, opened_by)
     SELECT gen_random_uuid(), 'community', code, code, path, 'time', false, 'bench', 'bench' FROM known_area WHERE level = 'community' AND parent_code = $1`,
    [BENCH_CITY],
  );
  // Volunteer n lives in community (n mod communities) + 1; the mapping table lets the transfers find accounts by number.
  await db.query(`CREATE UNLOGGED TABLE IF NOT EXISTS bench_volunteer (n integer PRIMARY KEY, account_id uuid NOT NULL, pool_id uuid NOT NULL)`);
  await db.query(`TRUNCATE bench_volunteer`);
  for (let from = 1; from <= volunteers; from += chunk) {
    const to = Math.min(volunteers, from + chunk - 1);
    await db.query(
      `WITH made AS (
         INSERT INTO account (id, owner_kind, owner_id, area_code, area_path, currency, debits_must_not_exceed_credits, digest, opened_by)
         SELECT gen_random_uuid(), 'volunteer', 'bench-v-' || n, k.code, k.path, 'time', true, 'bench', 'bench'
           FROM generate_series($1::int, $2::int) n
           JOIN known_area k ON k.code = $3 || '-' || lpad(((n % $4::int) + 1)::text, 5, '0')
         RETURNING id, owner_id, area_code)
       INSERT INTO bench_volunteer (n, account_id, pool_id)
       SELECT substr(m.owner_id, 9)::int, m.id, p.id FROM made m JOIN account p ON p.owner_kind = 'community' AND p.owner_id = m.area_code AND p.currency = 'time'`,
      [from, to, BENCH_CITY, communities],
    );
    log(`volunteer accounts ${to.toLocaleString('en-US')} / ${volunteers.toLocaleString('en-US')}`);
  }
  const accountsSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  for (let from = 0; from < transfers; from += chunk) {
    const to = Math.min(transfers, from + chunk) - 1;
    // Deposits of 30-240 minutes, spread over every volunteer in turn, each transfer with its debit and credit entries.
    await db.query(
      `WITH t AS (
         INSERT INTO transfer (id, kind, debit_account_id, credit_account_id, amount, currency, code, reference, digest, actor_id, created_at)
         SELECT gen_random_uuid(), 'single', v.pool_id, v.account_id, 30 + (g::bigint * 7919) % 211, 'time', 'service', 'activity:bench-' || g, 'bench', 'bench',
                now() - make_interval(secs => ($2::int - g) / 100.0)
           FROM generate_series($1::int, $2::int) g JOIN bench_volunteer v ON v.n = (g % $3::int) + 1
         RETURNING id, debit_account_id, credit_account_id, amount)
       INSERT INTO entry (account_id, transfer_id, side, phase, amount)
       SELECT x.account_id, t.id, x.side, 'posted', t.amount FROM t
         CROSS JOIN LATERAL (VALUES (t.debit_account_id, 'debit'), (t.credit_account_id, 'credit')) AS x(account_id, side)`,
      [from, to, volunteers],
    );
    log(`transfers ${(to + 1).toLocaleString('en-US')} / ${transfers.toLocaleString('en-US')}`);
  }
  const transfersSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  await db.query(
    `UPDATE account a SET debits_posted = s.d, credits_posted = s.c
       FROM (SELECT account_id, coalesce(sum(amount) FILTER (WHERE side = 'debit'), 0) AS d, coalesce(sum(amount) FILTER (WHERE side = 'credit'), 0) AS c
               FROM entry GROUP BY account_id) s
      WHERE a.id = s.account_id`,
  );
  await db.query(`ANALYZE account`);
  await db.query(`ANALYZE transfer`);
  await db.query(`ANALYZE entry`);
  await db.query(`RESET session_replication_role`);
  const balancesSeconds = (performance.now() - t0) / 1000;
  return {
    communities,
    volunteerAccounts: volunteers,
    transfers,
    entries: transfers * 2,
    seconds: { accounts: accountsSeconds, transfers: transfersSeconds, balances: balancesSeconds },
  };
}
