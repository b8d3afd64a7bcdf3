import { DEFAULT_LEDGER_DATABASE, runLedgerCheck } from './run-check.js';

/*
 * npm run check:ledger: checks the timebank ledger's invariants on a live
 * database (DATABASE_URL, default the machine's gov_timebank) and prints
 * what it found; exits 1 when any invariant is broken, 2 when it could not
 * check.
 */
try {
  const report = await runLedgerCheck(process.env.DATABASE_URL ?? DEFAULT_LEDGER_DATABASE, (line) => process.stdout.write(`${line}\n`));
  process.exitCode = report.ok ? 0 : 1;
} catch (error) {
  process.stderr.write(`check:ledger could not check the ledger: ${(error as Error).message}\n`);
  process.exitCode = 2;
}
