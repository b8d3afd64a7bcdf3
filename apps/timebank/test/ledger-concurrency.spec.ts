import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, GridworkError, subjects, type Account, type LedgerTransfer } from '@gridwork/contracts';
import { waitFor } from '@gridwork/testing';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { timebankService } from '../src/timebank.definition.js';
import { actor, brokenChecks, openAccount, seedAreas } from './fixtures/world.js';

/** A small seeded generator, so a failing run can be repeated. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return { next, int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)), pick: <T>(items: T[]) => items[Math.floor(next() * items.length)]! };
}

type Sums = { debitsPending: number; debitsPosted: number; creditsPending: number; creditsPosted: number };

/**
 * Random concurrent work on one ledger through two replicas of the service:
 * deposits, gifts between volunteers, withdrawals reserved then posted (in
 * part) or cancelled, posts racing cancellations and the timeout timer,
 * corrections, and every command sent up to three times at once. Then every
 * account's sums must be exactly what the accepted commands add up to,
 * equal the sums of its entries, the ledger sum to zero, no volunteer be
 * below zero, and every reservation be resolved at most once.
 */
describe('the ledger under concurrent commands', () => {
  let world: TestWorld;
  let pool: Account;
  let volunteers: Account[];
  /** Every answer that came back ok, by transfer id. */
  const answers = new Map<string, LedgerTransfer[]>();
  const refusals = new Map<string, number>();
  const rnd = random(Number(process.env.LEDGER_SEED ?? 20261207));

  beforeAll(async () => {
    world = await testWorld(['timebank']);
    await world.start(timebankService, 'timebank', { TIMEBANK_PENDING_POLL_MS: '50' });
    await world.start(timebankService, 'timebank', { TIMEBANK_PENDING_POLL_MS: '50' });
    await seedAreas(world);
    pool = await openAccount(world, { currency: 'time', ownerKind: 'community', ownerId: 'M1' });
    volunteers = [];
    for (let i = 0; i < 12; i++) volunteers.push(await openAccount(world, { currency: 'time' }));
  }, 60_000);
  afterAll(() => world?.dispose());

  /** Sends one command `copies` times at once; records the ok answers and refusals. */
  async function send(subject: 'create' | 'post' | 'void' | 'correct', request: { id: string } & Record<string, unknown>, copies: number): Promise<LedgerTransfer | undefined> {
    const replies = await Promise.all(
      Array.from({ length: copies }, () =>
        world.client.request(subjects.timebank.transfer[subject] as typeof subjects.timebank.transfer.create, request as never).then(
          (t) => t,
          (error: unknown) => {
            // A partial correction may ask more than earlier corrections left: refused naming the amount.
            const tooMuch = subject === 'correct' && error instanceof GridworkError && error.code === ErrorCode.VALIDATION_FAILED && error.details?.[0]?.field === 'amount';
            if (!tooMuch && (!(error instanceof GridworkError) || error.code !== ErrorCode.CONFLICT)) throw error;
            refusals.set((error as GridworkError).code, (refusals.get((error as GridworkError).code) ?? 0) + 1);
            // No command here reuses an id with other content, so a copy must never be taken for one (nor collide on the key).
            expect((error as Error).message).not.toMatch(/other content|duplicate|unique/i);
            return undefined;
          },
        ),
      ),
    );
    const ok = replies.filter((r): r is LedgerTransfer => r !== undefined);
    if (ok.length) answers.set(request.id, [...(answers.get(request.id) ?? []), ...ok]);
    return ok[0];
  }

  it('ends with every balance the sum of its entries and of the accepted commands, the ledger summing to zero', async () => {
    const copies = () => (rnd.next() < 0.3 ? rnd.int(2, 3) : 1);
    const base = (kind: string) => ({ id: randomUUID(), reference: `${kind}:${randomUUID()}`, actor });
    const posted: LedgerTransfer[] = [];
    let races = 0;

    const operation = async (): Promise<void> => {
      const roll = rnd.next();
      const a = rnd.pick(volunteers);
      let b = rnd.pick(volunteers);
      while (b.id === a.id) b = rnd.pick(volunteers);
      if (roll < 0.25) {
        const t = await send('create', { ...base('activity'), debitAccountId: pool.id, creditAccountId: a.id, amount: rnd.int(10, 120), code: 'service' }, copies());
        if (t) posted.push(t);
      } else if (roll < 0.45) {
        const t = await send('create', { ...base('gift'), debitAccountId: a.id, creditAccountId: b.id, amount: rnd.int(5, 90), code: 'gift' }, copies());
        if (t) posted.push(t);
      } else if (roll < 0.85) {
        // A withdrawal: reserve, then post (maybe part), cancel, race both, or leave it to the timer.
        const timeout = rnd.next() < 0.3 ? { timeoutSeconds: 1 } : {};
        const held = await send('create', { ...base('request'), debitAccountId: a.id, creditAccountId: pool.id, amount: rnd.int(5, 80), code: 'withdrawal', pending: true, ...timeout }, copies());
        if (!held) return;
        const next = rnd.next();
        if (timeout.timeoutSeconds && next < 0.5) await new Promise((r) => setTimeout(r, rnd.int(800, 1200)));
        const post = { id: randomUUID(), pendingId: held.id, actor, ...(rnd.next() < 0.3 ? { amount: rnd.int(1, held.amount) } : {}) };
        const cancel = { id: randomUUID(), pendingId: held.id, actor };
        if (next < 0.4) await send('post', post, copies());
        else if (next < 0.6) await send('void', cancel, copies());
        else if (next < 0.9) {
          races++;
          await Promise.all([send('post', post, copies()), send('void', cancel, copies())]);
        }
      } else if (posted.length > 0) {
        const original = rnd.pick(posted);
        await send('correct', { id: randomUUID(), transferId: original.id, reason: 'a mistake', actor, ...(rnd.next() < 0.5 ? { amount: rnd.int(1, original.amount) } : {}) }, copies());
      }
    };

    // 600 operations, 40 in flight at a time.
    let started = 0;
    await Promise.all(
      Array.from({ length: 40 }, async () => {
        while (started++ < 600) await operation();
      }),
    );
    expect(races).toBeGreaterThan(20);

    // The timer takes what was left to it; then nothing is open and due.
    await waitFor('due reservations to expire', async () => {
      const [{ n }] = (await world.query<{ n: number }>('timebank', `SELECT count(*)::int AS n FROM open_pending WHERE timeout_at <= now()`)) as [{ n: number }];
      return n === 0 || undefined;
    }, 20_000);

    // Copies of one command answered alike.
    for (const [id, replies] of answers) for (const reply of replies) expect(reply, `answers to ${id}`).toEqual(replies[0]);
    const accepted = [...answers.values()].map((replies) => replies[0]!);
    const expired = await world.query<{ id: string; pending_id: string }>('timebank', `SELECT id, pending_id FROM transfer WHERE kind = 'expire'`);
    const [{ n: stored }] = (await world.query<{ n: number }>('timebank', `SELECT count(*)::int AS n FROM transfer`)) as [{ n: number }];
    // Nothing but the accepted commands (and the timer's expiries) made a transfer, and each made one.
    expect(stored).toBe(accepted.length + expired.length);

    // Each reservation resolved at most once: of a post and a cancel raced, at most one was accepted.
    const resolutions = new Map<string, number>();
    for (const t of accepted) if (t.pendingId) resolutions.set(t.pendingId, (resolutions.get(t.pendingId) ?? 0) + 1);
    for (const e of expired) resolutions.set(e.pending_id, (resolutions.get(e.pending_id) ?? 0) + 1);
    expect([...resolutions.values()].filter((n) => n > 1)).toEqual([]);

    // The accounts hold exactly what the accepted commands add up to.
    const byId = new Map(accepted.map((t) => [t.id, t]));
    const sums = new Map<string, Sums>();
    const of = (id: string) => sums.get(id) ?? (sums.set(id, { debitsPending: 0, debitsPosted: 0, creditsPending: 0, creditsPosted: 0 }), sums.get(id)!);
    const move = (t: { debitAccountId: string; creditAccountId: string }, phase: 'Pending' | 'Posted', amount: number) => {
      of(t.debitAccountId)[`debits${phase}`] += amount;
      of(t.creditAccountId)[`credits${phase}`] += amount;
    };
    for (const t of accepted) {
      if (t.kind === 'single') move(t, 'Posted', t.amount);
      if (t.kind === 'pending') move(t, 'Pending', t.amount);
      if (t.kind === 'post' || t.kind === 'void') move(t, 'Pending', -byId.get(t.pendingId!)!.amount);
      if (t.kind === 'post') move(t, 'Posted', t.amount);
    }
    for (const e of expired) move(byId.get(e.pending_id)!, 'Pending', -byId.get(e.pending_id)!.amount);
    for (const account of [pool, ...volunteers]) {
      const now = await world.client.request(subjects.timebank.account.get, { id: account.id });
      expect({ debitsPending: now.debitsPending, debitsPosted: now.debitsPosted, creditsPending: now.creditsPending, creditsPosted: now.creditsPosted }, account.id).toEqual(of(account.id));
      if (account.debitsMustNotExceedCredits) expect(now.available).toBeGreaterThanOrEqual(0);
    }

    // And the database's own view agrees: balances are the sums of entries, the ledger sums to zero.
    expect(await brokenChecks(world)).toEqual([]);
    // The run did meet the rules' refusals (overdrawn gifts, resolved reservations), not only easy paths.
    expect(refusals.get(ErrorCode.CONFLICT) ?? 0).toBeGreaterThan(20);
    expect(expired.length).toBeGreaterThan(0);
  }, 120_000);
});
