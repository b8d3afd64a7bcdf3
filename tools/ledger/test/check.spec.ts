import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjects } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { timebankService } from '@gridwork/timebank-service/definition';
import { runLedgerCheck } from '../run-check.js';

const actor = { id: 'check-test' };

/**
 * `npm run check:ledger` on a real timebank database: a ledger made by the
 * service over NATS passes; the same ledger broken behind the service's back
 * (a balance changed, an entry added, a reservation's row lost) fails, each
 * break named by the check it breaks.
 */
describe('check:ledger', () => {
  let world: TestWorld;
  const run = async () => {
    const lines: string[] = [];
    const report = await runLedgerCheck(world.url('timebank'), (line) => lines.push(line));
    return { report, out: lines.join('\n') };
  };

  beforeAll(async () => {
    world = await testWorld(['timebank']);
    await world.start(timebankService, 'timebank');
    await world.query('timebank', `INSERT INTO known_area (code, name, level, parent_code, path) VALUES ('M1', 'Community M1', 'community', NULL, ARRAY['M1'])`);
    const open = (ownerKind: 'volunteer' | 'community', ownerId: string) =>
      world.client.request(subjects.timebank.account.open, { id: randomUUID(), ownerKind, ownerId, areaCode: 'M1', currency: 'time', actor });
    const pool = await open('community', 'M1');
    const volunteer = await open('volunteer', 'v-1');
    const move = (request: object) =>
      world.client.request(subjects.timebank.transfer.create, { id: randomUUID(), code: 'service', reference: 'activity:a-1', actor, ...request } as never);
    await move({ debitAccountId: pool.id, creditAccountId: volunteer.id, amount: 120 });
    const held = await move({ debitAccountId: volunteer.id, creditAccountId: pool.id, amount: 30, code: 'withdrawal', reference: 'request:r-1', pending: true });
    await world.client.request(subjects.timebank.transfer.post, { id: randomUUID(), pendingId: held.id, amount: 20, actor });
    await move({ debitAccountId: volunteer.id, creditAccountId: pool.id, amount: 10, code: 'withdrawal', reference: 'request:r-2', pending: true });
  }, 60_000);
  afterAll(() => world?.dispose());

  it('finds a ledger the service made sound', async () => {
    const { report, out } = await run();
    expect(report).toMatchObject({ ok: true, accounts: 2, transfers: 4, entries: 10 });
    expect(out).toMatch(/2 accounts, 4 transfers, 10 entries/);
    expect(out).toMatch(/the ledger holds$/);
    expect(out).not.toMatch(/FAIL/);
  });

  it('fails on a broken ledger, naming each broken invariant and the rows that break it', async () => {
    const [pool] = await world.query<{ id: string }>('timebank', `SELECT id FROM account WHERE owner_kind = 'community'`);
    const [volunteer] = await world.query<{ id: string }>('timebank', `SELECT id FROM account WHERE owner_kind = 'volunteer'`);
    const [first] = await world.query<{ id: string }>('timebank', `SELECT id FROM transfer WHERE kind = 'single'`);
    // A pool's balance nudged by hand (no flag stops it), a stray entry on a transfer, an open reservation's row lost.
    await world.query('timebank', `UPDATE account SET credits_posted = credits_posted + 5 WHERE id = $1`, [pool!.id]);
    await world.query('timebank', `INSERT INTO entry (account_id, transfer_id, side, phase, amount) VALUES ($1, $2, 'debit', 'pending', 7)`, [volunteer!.id, first!.id]);
    await world.query('timebank', `DELETE FROM open_pending`);

    const { report, out } = await run();
    expect(report.ok).toBe(false);
    const broken = report.checks.filter((c) => !c.ok).map((c) => c.name);
    expect(broken).toEqual(['balances-equal-entries', 'ledger-sums-to-zero', 'transfers-balance', 'entries-match-kind', 'open-reservations']);
    expect(out).toMatch(/FAIL balances-equal-entries: 2 rows break/);
    expect(out).toContain(pool!.id);
    expect(out).toMatch(/the ledger is BROKEN: balances-equal-entries, ledger-sums-to-zero, transfers-balance, entries-match-kind, open-reservations$/);
  });
});
