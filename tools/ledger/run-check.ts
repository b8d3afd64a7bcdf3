import pg from 'pg';
import { checkLedger, type LedgerReport } from '@gridwork/timebank-service/ledger-check';

/** The machine's timebank database, where `npm run check:ledger` looks unless DATABASE_URL says otherwise. */
export const DEFAULT_LEDGER_DATABASE = 'postgres://postgres@127.0.0.1:5432/gov_timebank';

/**
 * Checks the ledger's invariants (apps/timebank/src/ledger/ledger-check.ts)
 * on a live database and writes what it found. The checks read one snapshot
 * (a read-only REPEATABLE READ transaction), so transfers committing
 * meanwhile cannot make a sound ledger look broken. Returns the report; its
 * `ok` is false when any check found a row breaking it.
 */
export async function runLedgerCheck(databaseUrl: string, write: (line: string) => void): Promise<LedgerReport> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'check-ledger' });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const started = Date.now();
    const report = await checkLedger(async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[]);
    await client.query('COMMIT');
    const where = new URL(databaseUrl);
    write(`ledger of ${where.host}${where.pathname}: ${report.accounts} accounts, ${report.transfers} transfers, ${report.entries} entries (checked in ${Date.now() - started} ms)`);
    for (const check of report.checks) {
      write(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.ok ? check.holds : `${check.count} rows break "${check.holds}"`}`);
      for (const row of check.rows) write(`       ${JSON.stringify(row)}`);
    }
    write(report.ok ? 'the ledger holds' : `the ledger is BROKEN: ${report.checks.filter((c) => !c.ok).map((c) => c.name).join(', ')}`);
    return report;
  } finally {
    await client.end();
  }
}
