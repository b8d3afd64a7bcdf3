import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, subjects, type Account, type CreateTransferRequest } from '@gridwork/contracts';
import { waitFor } from '@gridwork/testing';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { timebankService } from '../src/timebank.definition.js';
import { actor, brokenChecks, d1Operator, errorOf, fieldsOf, openAccount, seedAreas } from './fixtures/world.js';

/**
 * The ledger over NATS: accounts, single and two-phase transfers,
 * corrections, commands repeated under their id, refusals that change
 * nothing, the reservation timer, and the actor's areas.
 */
describe('the ledger', () => {
  let world: TestWorld;
  let pool: Account;
  const get = (id: string) => world.client.request(subjects.timebank.account.get, { id });
  const transfer = (request: Partial<CreateTransferRequest> & Pick<CreateTransferRequest, 'debitAccountId' | 'creditAccountId' | 'amount'>) =>
    world.client.request(subjects.timebank.transfer.create, { id: randomUUID(), code: 'service', reference: 'activity:a-1', actor, ...request });
  /** A volunteer's time account holding `minutes`, deposited from the pool. */
  const funded = async (minutes: number, areaCode = 'M1') => {
    const account = await openAccount(world, { currency: 'time', areaCode });
    if (minutes > 0) await transfer({ debitAccountId: pool.id, creditAccountId: account.id, amount: minutes });
    return account;
  };
  const sizes = async () =>
    (await world.query<{ t: number; e: number; o: number }>('timebank', `SELECT (SELECT count(*) FROM transfer)::int AS t, (SELECT count(*) FROM entry)::int AS e, (SELECT count(*) FROM open_pending)::int AS o`))[0];

  beforeAll(async () => {
    world = await testWorld(['timebank']);
    await world.start(timebankService, 'timebank', { TIMEBANK_PENDING_POLL_MS: '50' });
    await seedAreas(world);
    pool = await openAccount(world, { currency: 'time', ownerKind: 'community', ownerId: 'M1' });
  });
  afterAll(async () => {
    // Whatever each test did, the ledger is sound at the end.
    if (world) expect(await brokenChecks(world)).toEqual([]);
    await world?.dispose();
  });

  it('opens accounts: a volunteer’s may not go below zero, a pool’s may; opening again answers the same account', async () => {
    expect(pool).toMatchObject({ ownerKind: 'community', ownerId: 'M1', areaCode: 'M1', currency: 'time', debitsMustNotExceedCredits: false, balance: 0, available: 0 });
    const request = { id: randomUUID(), ownerKind: 'volunteer' as const, ownerId: 'v-alice', areaCode: 'M1', currency: 'points' as const, actor };
    const alice = await world.client.request(subjects.timebank.account.open, request);
    expect(alice).toMatchObject({ debitsMustNotExceedCredits: true, debitsPending: 0, debitsPosted: 0, creditsPending: 0, creditsPosted: 0 });
    expect(await world.client.request(subjects.timebank.account.open, { ...request, actor: { id: 'someone-else' } })).toEqual(alice);
    expect(await get(alice.id)).toEqual(alice);

    const changed = await errorOf(world.client.request(subjects.timebank.account.open, { ...request, areaCode: 'M2' }));
    expect(changed?.code).toBe(ErrorCode.CONFLICT);
    const second = await errorOf(world.client.request(subjects.timebank.account.open, { ...request, id: randomUUID() }));
    expect(second?.code).toBe(ErrorCode.CONFLICT);
    expect(second?.message).toContain(alice.id);
    expect((await errorOf(openAccount(world, { currency: 'time', areaCode: 'NOWHERE' })))?.code).toBe(ErrorCode.NOT_FOUND);

    const listed = await world.client.request(subjects.timebank.account.list, { ownerId: 'v-alice' });
    expect(listed.items).toEqual([alice]);
    const inT2 = await openAccount(world, { currency: 'time', areaCode: 'M3' });
    const withinD1 = await world.client.request(subjects.timebank.account.list, { withinAreas: ['D1'], limit: 500 });
    expect(withinD1.items.map((a) => a.id)).toContain(alice.id);
    expect(withinD1.items.map((a) => a.id)).not.toContain(inT2.id);
  });

  it('moves an amount at once: both accounts and their entries change together', async () => {
    const bob = await funded(0);
    const moved = await transfer({ debitAccountId: pool.id, creditAccountId: bob.id, amount: 90, reference: 'activity:a-42' });
    expect(moved).toMatchObject({ kind: 'single', amount: 90, currency: 'time', code: 'service', reference: 'activity:a-42', actorId: actor.id });
    expect(moved).not.toHaveProperty('state');
    expect(await get(bob.id)).toMatchObject({ creditsPosted: 90, balance: 90, available: 90 });
    const entries = await world.query<{ account_id: string; side: string; phase: string; amount: string }>(
      'timebank',
      `SELECT account_id, side, phase, amount FROM entry WHERE transfer_id = $1 ORDER BY side`,
      [moved.id],
    );
    expect(entries).toEqual([
      { account_id: bob.id, side: 'credit', phase: 'posted', amount: '90' },
      { account_id: pool.id, side: 'debit', phase: 'posted', amount: '90' },
    ]);
    expect(await world.client.request(subjects.timebank.transfer.get, { id: moved.id })).toEqual(moved);
    expect((await world.client.request(subjects.timebank.transfer.list, { accountId: bob.id })).items).toEqual([moved]);
  });

  it('refuses bad commands naming every wrong field, and changes nothing', async () => {
    const carol = await funded(60);
    const before = [await sizes(), await get(carol.id)];
    const bad = await errorOf(
      world.client.request(subjects.timebank.transfer.create, {
        id: 'not-an-id',
        debitAccountId: carol.id,
        creditAccountId: 'x',
        amount: 1.5,
        code: 'correction' as never,
        reference: 'no cause',
        pending: 'yes' as never,
        actor: { id: '' },
      }),
    );
    expect(bad?.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(fieldsOf(bad)).toEqual(['actor.id', 'amount', 'code', 'creditAccountId', 'id', 'pending', 'reference']);
    expect(fieldsOf(await errorOf(transfer({ debitAccountId: carol.id, creditAccountId: pool.id, amount: 0 })))).toEqual(['amount']);
    expect(fieldsOf(await errorOf(transfer({ debitAccountId: carol.id, creditAccountId: carol.id, amount: 5 })))).toEqual(['creditAccountId']);
    expect(fieldsOf(await errorOf(transfer({ debitAccountId: carol.id, creditAccountId: pool.id, amount: 5, timeoutSeconds: 60 })))).toEqual(['timeoutSeconds']);
    const points = await openAccount(world, { currency: 'points' });
    expect(fieldsOf(await errorOf(transfer({ debitAccountId: carol.id, creditAccountId: points.id, amount: 5 })))).toEqual(['creditAccountId']);
    expect(fieldsOf(await errorOf(world.client.request(subjects.timebank.transfer.post, { id: randomUUID(), pendingId: 'p', actor } as never)))).toEqual(['pendingId']);
    expect(fieldsOf(await errorOf(world.client.request(subjects.timebank.transfer.correct, { id: randomUUID(), transferId: randomUUID(), actor } as never)))).toEqual(['reason']);
    expect(fieldsOf(await errorOf(world.client.request(subjects.timebank.account.open, { id: randomUUID(), ownerKind: 'family', ownerId: '', areaCode: 'M 1', currency: 'hours', actor } as never)))).toEqual([
      'areaCode',
      'currency',
      'ownerId',
      'ownerKind',
    ]);
    expect(fieldsOf(await errorOf(world.client.request(subjects.timebank.transfer.create, { id: randomUUID(), debitAccountId: carol.id, creditAccountId: pool.id, amount: 5, code: 'gift', reference: 'gift:g-1' } as never)))).toEqual(['actor']);
    expect((await errorOf(transfer({ debitAccountId: carol.id, creditAccountId: randomUUID(), amount: 5 })))?.code).toBe(ErrorCode.NOT_FOUND);
    expect([await sizes(), await get(carol.id)]).toEqual(before);
  });

  it('never lets a flagged account go below zero, counting what it has reserved', async () => {
    const dave = await funded(100);
    await transfer({ debitAccountId: dave.id, creditAccountId: pool.id, amount: 70, code: 'withdrawal', reference: 'request:r-1', pending: true });
    const before = await sizes();
    const over = await errorOf(transfer({ debitAccountId: dave.id, creditAccountId: pool.id, amount: 31, code: 'withdrawal', reference: 'request:r-2' }));
    expect(over?.code).toBe(ErrorCode.CONFLICT);
    expect(over?.message).toMatch(/30 minutes available/);
    expect(await sizes()).toEqual(before);
    await transfer({ debitAccountId: dave.id, creditAccountId: pool.id, amount: 30, code: 'withdrawal', reference: 'request:r-2' });
    expect(await get(dave.id)).toMatchObject({ balance: 70, debitsPending: 70, available: 0 });
    // The database refuses it too, should a bug ever skip the service's check.
    const direct = await errorOf(world.query('timebank', `UPDATE account SET debits_posted = debits_posted + 1 WHERE id = $1`, [dave.id]));
    expect(String(direct)).toMatch(/account_debits_within_credits/);
  });

  it('answers a repeated command with its first result, and a different one under a used id with CONFLICT', async () => {
    const erin = await funded(0);
    const request = { id: randomUUID(), debitAccountId: pool.id, creditAccountId: erin.id, amount: 45, code: 'service' as const, reference: 'activity:a-7', actor };
    const [first, again, third] = await Promise.all([0, 1, 2].map(() => world.client.request(subjects.timebank.transfer.create, request)));
    expect(again).toEqual(first);
    expect(third).toEqual(first);
    expect(await get(erin.id)).toMatchObject({ balance: 45 });
    const other = await errorOf(world.client.request(subjects.timebank.transfer.create, { ...request, amount: 46 }));
    expect(other?.code).toBe(ErrorCode.CONFLICT);
    // A post under the id of a transfer is another command, not a repeat.
    const reserve = await transfer({ debitAccountId: erin.id, creditAccountId: pool.id, amount: 20, code: 'withdrawal', reference: 'request:r-9', pending: true });
    const reuse = await errorOf(world.client.request(subjects.timebank.transfer.post, { id: request.id, pendingId: reserve.id, actor }));
    expect(reuse?.code).toBe(ErrorCode.CONFLICT);
    const post = { id: randomUUID(), pendingId: reserve.id, actor };
    const posted = await world.client.request(subjects.timebank.transfer.post, post);
    expect(await world.client.request(subjects.timebank.transfer.post, post)).toEqual(posted);
    expect(await get(erin.id)).toMatchObject({ balance: 25, debitsPending: 0 });
  });

  it('reserves, then posts part (releasing the rest) or voids, each reservation once', async () => {
    const frank = await funded(120);
    const reserve = (amount: number) => transfer({ debitAccountId: frank.id, creditAccountId: pool.id, amount, code: 'withdrawal', reference: 'request:r-3', pending: true });
    const poolBefore = await get(pool.id);
    const held = await reserve(80);
    expect(held).toMatchObject({ kind: 'pending', state: 'pending' });
    expect(await get(frank.id)).toMatchObject({ balance: 120, debitsPending: 80, available: 40 });
    expect((await get(pool.id)).creditsPending).toBe(poolBefore.creditsPending + 80);

    const tooMuch = await errorOf(world.client.request(subjects.timebank.transfer.post, { id: randomUUID(), pendingId: held.id, amount: 81, actor }));
    expect(fieldsOf(tooMuch)).toEqual(['amount']);
    const posted = await world.client.request(subjects.timebank.transfer.post, { id: randomUUID(), pendingId: held.id, amount: 50, actor });
    expect(posted).toMatchObject({ kind: 'post', pendingId: held.id, amount: 50, code: 'withdrawal', reference: 'request:r-3' });
    expect(await get(frank.id)).toMatchObject({ balance: 70, debitsPending: 0, available: 70 });
    expect((await world.client.request(subjects.timebank.transfer.get, { id: held.id })).state).toBe('posted');
    const voidAfter = await errorOf(world.client.request(subjects.timebank.transfer.void, { id: randomUUID(), pendingId: held.id, actor }));
    expect(voidAfter?.code).toBe(ErrorCode.CONFLICT);
    expect(voidAfter?.message).toContain('already posted');

    const second = await reserve(60);
    const voided = await world.client.request(subjects.timebank.transfer.void, { id: randomUUID(), pendingId: second.id, note: 'cancelled', actor });
    expect(voided).toMatchObject({ kind: 'void', amount: 60, pendingId: second.id });
    expect(await get(frank.id)).toMatchObject({ balance: 70, debitsPending: 0 });
    expect((await errorOf(world.client.request(subjects.timebank.transfer.post, { id: randomUUID(), pendingId: second.id, actor })))?.message).toContain('already voided');
    expect((await errorOf(world.client.request(subjects.timebank.transfer.post, { id: randomUUID(), pendingId: posted.id, actor })))?.code).toBe(ErrorCode.CONFLICT);
    expect((await errorOf(world.client.request(subjects.timebank.transfer.post, { id: randomUUID(), pendingId: randomUUID(), actor })))?.code).toBe(ErrorCode.NOT_FOUND);
  });

  it('expires a reservation whose timeout passes, by the timer, and then it cannot be posted', async () => {
    const gina = await funded(50);
    const held = await transfer({ debitAccountId: gina.id, creditAccountId: pool.id, amount: 40, code: 'withdrawal', reference: 'request:r-4', pending: true, timeoutSeconds: 1 });
    expect(Date.parse(held.timeoutAt!) - Date.parse(held.createdAt)).toBe(1000);
    await waitFor('the reservation to expire', async () => (await world.client.request(subjects.timebank.transfer.get, { id: held.id })).state === 'expired' || undefined, 10_000);
    expect(await get(gina.id)).toMatchObject({ balance: 50, debitsPending: 0, available: 50 });
    const late = await errorOf(world.client.request(subjects.timebank.transfer.post, { id: randomUUID(), pendingId: held.id, actor }));
    expect(late?.message).toContain('already expired');
    const [expiry] = await world.query<{ kind: string; actor_id: string }>('timebank', `SELECT kind, actor_id FROM transfer WHERE pending_id = $1`, [held.id]);
    expect(expiry).toEqual({ kind: 'expire', actor_id: 'system' });
  });

  it('corrects a posted transfer with reversing transfers, never beyond what it moved', async () => {
    const hana = await funded(0);
    const wrong = await transfer({ debitAccountId: pool.id, creditAccountId: hana.id, amount: 120, reference: 'activity:a-9' });
    const correct = (amount?: number) =>
      world.client.request(subjects.timebank.transfer.correct, { id: randomUUID(), transferId: wrong.id, reason: 'checked out at 11:00, not 12:00', actor, ...(amount ? { amount } : {}) });
    const partly = await correct(60);
    expect(partly).toMatchObject({ kind: 'single', code: 'correction', correctsId: wrong.id, debitAccountId: hana.id, creditAccountId: pool.id, amount: 60, reference: 'activity:a-9' });
    expect(await get(hana.id)).toMatchObject({ balance: 60 });
    expect(fieldsOf(await errorOf(correct(61)))).toEqual(['amount']);
    // Hana spends 50 of what is left: only 10 can still be taken back, so the correction of the rest is refused.
    await transfer({ debitAccountId: hana.id, creditAccountId: pool.id, amount: 50, code: 'withdrawal', reference: 'request:r-5' });
    expect((await errorOf(correct()))?.message).toMatch(/10 minutes available/);
    await transfer({ debitAccountId: pool.id, creditAccountId: hana.id, amount: 50, code: 'gift', reference: 'gift:g-2' });
    const rest = await correct();
    expect(rest.amount).toBe(60);
    expect((await errorOf(correct()))?.message).toContain('already reversed in full');
    const held = await transfer({ debitAccountId: pool.id, creditAccountId: hana.id, amount: 5, pending: true });
    expect((await errorOf(world.client.request(subjects.timebank.transfer.correct, { id: randomUUID(), transferId: held.id, reason: 'x', actor })))?.code).toBe(ErrorCode.CONFLICT);
  });

  it('lets an actor with areas take only from accounts within them', async () => {
    const inD1 = await funded(30, 'G11');
    const inD2 = await funded(0, 'M3');
    const denied = await errorOf(transfer({ debitAccountId: inD2.id, creditAccountId: inD1.id, amount: 1, actor: d1Operator }));
    expect(denied?.code).toBe(ErrorCode.FORBIDDEN);
    expect(denied?.message).toContain('outside D1');
    expect((await errorOf(openAccount(world, { currency: 'time', areaCode: 'M3', actor: d1Operator })))?.code).toBe(ErrorCode.FORBIDDEN);
    // From D1 to D2 is the D1 operator's to make: hours leave their district.
    const sent = await transfer({ debitAccountId: inD1.id, creditAccountId: inD2.id, amount: 10, code: 'gift', reference: 'gift:g-3', actor: d1Operator });
    expect(sent.actorId).toBe(d1Operator.id);
    const back = await errorOf(world.client.request(subjects.timebank.transfer.correct, { id: randomUUID(), transferId: sent.id, reason: 'sent by mistake', actor: d1Operator }));
    expect(back?.code).toBe(ErrorCode.FORBIDDEN);
    // Reads with the reader's scope: an account outside it is not theirs to see.
    expect((await world.client.request(subjects.timebank.account.get, { id: inD1.id, withinAreas: ['D1'] })).id).toBe(inD1.id);
    expect((await errorOf(world.client.request(subjects.timebank.account.get, { id: inD2.id, withinAreas: ['D1'] })))?.code).toBe(ErrorCode.FORBIDDEN);
    expect((await errorOf(world.client.request(subjects.timebank.transfer.list, { accountId: inD2.id, withinAreas: ['D1'] })))?.code).toBe(ErrorCode.FORBIDDEN);
  });

  it('keeps transfers and entries as history: the database refuses to change or remove one', async () => {
    const [any] = await world.query<{ id: string }>('timebank', `SELECT id FROM transfer LIMIT 1`);
    expect(String(await errorOf(world.query('timebank', `UPDATE transfer SET amount = amount + 1 WHERE id = $1`, [any!.id])))).toMatch(/immutable/);
    expect(String(await errorOf(world.query('timebank', `DELETE FROM entry WHERE transfer_id = $1`, [any!.id])))).toMatch(/immutable/);
  });
});
