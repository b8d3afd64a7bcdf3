/*
 * The ledger's invariants as queries, each returning the rows that break it
 * (none when it holds). The service's tests run them after their concurrent
 * runs, and `npm run check:ledger` runs them on a live database. Plain SQL
 * and no service code, so a tool needs only a connection.
 */

export interface LedgerCheck {
  name: string;
  /** What holds when no row comes back. */
  holds: string;
  sql: string;
}

/** At most this many offending rows are shown per check; the count is of all of them. */
export const SHOWN_PER_CHECK = 10;

export const LEDGER_CHECKS: LedgerCheck[] = [
  {
    name: 'balances-equal-entries',
    holds: "every account's four sums (debits and credits, pending and posted) equal the sums of its entries",
    sql: `SELECT a.id AS account, a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted,
                 coalesce(e.dp, 0) AS entries_debits_pending, coalesce(e.dd, 0) AS entries_debits_posted,
                 coalesce(e.cp, 0) AS entries_credits_pending, coalesce(e.cd, 0) AS entries_credits_posted
            FROM account a
            LEFT JOIN (SELECT account_id,
                              sum(amount) FILTER (WHERE side = 'debit' AND phase = 'pending') AS dp,
                              sum(amount) FILTER (WHERE side = 'debit' AND phase = 'posted') AS dd,
                              sum(amount) FILTER (WHERE side = 'credit' AND phase = 'pending') AS cp,
                              sum(amount) FILTER (WHERE side = 'credit' AND phase = 'posted') AS cd
                         FROM entry GROUP BY account_id) e ON e.account_id = a.id
           WHERE (a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted)
                 IS DISTINCT FROM (coalesce(e.dp, 0), coalesce(e.dd, 0), coalesce(e.cp, 0), coalesce(e.cd, 0))`,
  },
  {
    name: 'ledger-sums-to-zero',
    holds: 'per currency, all debits equal all credits, posted and pending',
    sql: `SELECT currency, sum(debits_posted) AS debits_posted, sum(credits_posted) AS credits_posted,
                 sum(debits_pending) AS debits_pending, sum(credits_pending) AS credits_pending
            FROM account GROUP BY currency
          HAVING sum(debits_posted) <> sum(credits_posted) OR sum(debits_pending) <> sum(credits_pending)`,
  },
  {
    name: 'transfers-balance',
    holds: "each transfer's entries move as much on its debit account's debit side as on its credit account's credit side, in each phase, and touch nothing else",
    sql: `SELECT t.id AS transfer, e.phase,
                 sum(e.amount) FILTER (WHERE e.side = 'debit' AND e.account_id = t.debit_account_id) AS debited,
                 sum(e.amount) FILTER (WHERE e.side = 'credit' AND e.account_id = t.credit_account_id) AS credited,
                 count(*) FILTER (WHERE NOT ((e.side = 'debit' AND e.account_id = t.debit_account_id) OR (e.side = 'credit' AND e.account_id = t.credit_account_id))) AS stray
            FROM entry e JOIN transfer t ON t.id = e.transfer_id
           GROUP BY t.id, e.phase
          HAVING coalesce(sum(e.amount) FILTER (WHERE e.side = 'debit' AND e.account_id = t.debit_account_id), 0)
                 <> coalesce(sum(e.amount) FILTER (WHERE e.side = 'credit' AND e.account_id = t.credit_account_id), 0)
              OR count(*) FILTER (WHERE NOT ((e.side = 'debit' AND e.account_id = t.debit_account_id) OR (e.side = 'credit' AND e.account_id = t.credit_account_id))) > 0`,
  },
  {
    name: 'entries-match-kind',
    holds: 'a single transfer posts its amount; a pending one reserves it; a post releases the reservation and posts its amount; a void or expiry only releases',
    sql: `SELECT t.id AS transfer, t.kind, t.amount, coalesce(x.pending, 0) AS pending_moved, coalesce(x.posted, 0) AS posted_moved, p.amount AS reserved
            FROM transfer t
            LEFT JOIN transfer p ON p.id = t.pending_id
            LEFT JOIN (SELECT transfer_id, sum(amount) FILTER (WHERE side = 'debit' AND phase = 'pending') AS pending,
                              sum(amount) FILTER (WHERE side = 'debit' AND phase = 'posted') AS posted
                         FROM entry GROUP BY transfer_id) x ON x.transfer_id = t.id
           WHERE (coalesce(x.pending, 0), coalesce(x.posted, 0)) IS DISTINCT FROM (
                   CASE t.kind WHEN 'single' THEN 0 WHEN 'pending' THEN t.amount ELSE -p.amount END,
                   CASE t.kind WHEN 'single' THEN t.amount WHEN 'post' THEN t.amount ELSE 0 END)`,
  },
  {
    name: 'no-negative-balance',
    holds: 'no account flagged debits-must-not-exceed-credits has more debits (posted and pending) than posted credits',
    sql: `SELECT id AS account, debits_pending, debits_posted, credits_posted FROM account
           WHERE debits_must_not_exceed_credits AND debits_pending + debits_posted > credits_posted`,
  },
  {
    name: 'one-currency',
    holds: "every transfer's currency is its two accounts' currency",
    sql: `SELECT t.id AS transfer, t.currency, d.currency AS debit_currency, c.currency AS credit_currency
            FROM transfer t JOIN account d ON d.id = t.debit_account_id JOIN account c ON c.id = t.credit_account_id
           WHERE t.currency <> d.currency OR t.currency <> c.currency`,
  },
  {
    name: 'resolutions-fit-reservations',
    holds: 'a post, void or expiry resolves a pending transfer between the same accounts, with the same code, posting no more than was reserved',
    sql: `SELECT r.id AS transfer, r.kind, r.pending_id, p.kind AS pending_kind, r.amount, p.amount AS reserved
            FROM transfer r JOIN transfer p ON p.id = r.pending_id
           WHERE p.kind <> 'pending' OR r.debit_account_id <> p.debit_account_id OR r.credit_account_id <> p.credit_account_id
              OR r.code <> p.code OR (r.kind = 'post' AND r.amount > p.amount)`,
  },
  {
    name: 'open-reservations',
    holds: 'the open reservations are exactly the pending transfers no transfer has resolved',
    sql: `SELECT coalesce(p.id, o.transfer_id) AS transfer, p.id IS NOT NULL AS unresolved, o.transfer_id IS NOT NULL AS listed_open
            FROM (SELECT t.id FROM transfer t WHERE t.kind = 'pending' AND NOT EXISTS (SELECT 1 FROM transfer r WHERE r.pending_id = t.id)) p
            FULL JOIN open_pending o ON o.transfer_id = p.id
           WHERE p.id IS NULL OR o.transfer_id IS NULL`,
  },
  {
    name: 'corrections-within-original',
    holds: 'corrections reverse a posted transfer, the other way, and never more than it moved',
    sql: `SELECT o.id AS transfer, o.kind, o.amount, sum(c.amount) AS reversed
            FROM transfer c JOIN transfer o ON o.id = c.corrects_id
           GROUP BY o.id, o.kind, o.amount, o.debit_account_id, o.credit_account_id
          HAVING sum(c.amount) > o.amount OR o.kind NOT IN ('single', 'post')
              OR bool_or(c.debit_account_id <> o.credit_account_id OR c.credit_account_id <> o.debit_account_id)`,
  },
  {
    name: 'shop-stock-equals-redemptions',
    holds: "every reward's reserved and issued pieces are its reserved and picked-up redemptions, within its stock",
    sql: `SELECT w.id AS reward, w.stock, w.reserved, w.issued, coalesce(r.reserved, 0) AS redemptions_reserved, coalesce(r.issued, 0) AS redemptions_issued
            FROM reward w
            LEFT JOIN (SELECT reward_id, sum(quantity) FILTER (WHERE state = 'reserved') AS reserved, sum(quantity) FILTER (WHERE state = 'picked-up') AS issued
                         FROM redemption GROUP BY reward_id) r ON r.reward_id = w.id
           WHERE w.reserved <> coalesce(r.reserved, 0) OR w.issued <> coalesce(r.issued, 0) OR w.reserved + w.issued > w.stock`,
  },
  {
    name: 'redemptions-match-transfers',
    holds: "every redemption's points are its own pending transfer, reserved while it is, posted once picked up, voided once cancelled or expired",
    sql: `SELECT d.id AS redemption, d.state, d.points, t.kind, t.amount, r.kind AS resolution, r.id AS resolved_by, d.resolved_by AS redemption_resolved_by
            FROM redemption d
            LEFT JOIN transfer t ON t.id = d.id
            LEFT JOIN transfer r ON r.pending_id = d.id
           WHERE t.id IS NULL OR t.kind <> 'pending' OR t.code <> 'redemption' OR t.amount <> d.points OR t.debit_account_id <> d.account_id
              OR (d.state = 'reserved' AND r.id IS NOT NULL)
              OR (d.state = 'picked-up' AND (r.kind IS DISTINCT FROM 'post' OR r.amount <> d.points))
              OR (d.state IN ('cancelled', 'expired') AND r.kind IS DISTINCT FROM 'void')
              OR (d.state <> 'reserved' AND r.id IS DISTINCT FROM d.resolved_by)`,
  },
  {
    name: 'verified-hours-deposited',
    holds: "every verified sign-up's minutes were deposited by its own service transfer to the volunteer's time account",
    sql: `SELECT s.activity_id, s.volunteer_id, s.minutes, t.id AS transfer, t.kind, t.code, t.amount, t.credit_account_id, v.time_account_id
            FROM signup s JOIN volunteer v ON v.id = s.volunteer_id LEFT JOIN transfer t ON t.id = s.transfer_id
           WHERE s.state = 'verified' AND (t.id IS NULL OR t.kind <> 'single' OR t.code <> 'service' OR t.amount <> s.minutes OR t.credit_account_id <> v.time_account_id)`,
  },
];

export interface LedgerCheckResult {
  name: string;
  holds: string;
  ok: boolean;
  /** How many rows break it. */
  count: number;
  /** Up to SHOWN_PER_CHECK of them. */
  rows: Record<string, unknown>[];
}

export interface LedgerReport {
  ok: boolean;
  accounts: number;
  transfers: number;
  entries: number;
  checks: LedgerCheckResult[];
}

type Query = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

/** Runs every check on a ledger database through `query`; one read-only pass. */
export async function checkLedger(query: Query): Promise<LedgerReport> {
  const [sizes] = await query<{ accounts: string; transfers: string; entries: string }>(
    `SELECT (SELECT count(*) FROM account) AS accounts, (SELECT count(*) FROM transfer) AS transfers, (SELECT count(*) FROM entry) AS entries`,
  );
  const checks: LedgerCheckResult[] = [];
  for (const check of LEDGER_CHECKS) {
    const [{ count }] = (await query<{ count: string }>(`SELECT count(*) AS count FROM (${check.sql}) broken`)) as [{ count: string }];
    const rows = Number(count) > 0 ? await query(`SELECT * FROM (${check.sql}) broken LIMIT ${SHOWN_PER_CHECK}`) : [];
    checks.push({ name: check.name, holds: check.holds, ok: Number(count) === 0, count: Number(count), rows });
  }
  return { ok: checks.every((c) => c.ok), accounts: Number(sizes!.accounts), transfers: Number(sizes!.transfers), entries: Number(sizes!.entries), checks };
}
