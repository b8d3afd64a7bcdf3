import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, GridworkError, subjects, type Account, type DefineRewardRequest, type Redemption } from '@gridwork/contracts';
import { waitFor } from '@gridwork/testing';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { timebankService } from '../src/timebank.definition.js';
import { actor, brokenChecks, d1Operator, errorOf, fieldsOf, openAccount, seedAreas } from './fixtures/world.js';

/**
 * The points shop over NATS: rewards with stock and limits per person;
 * redeeming reserves stock and points together, pickup posts both,
 * cancellation or the pickup deadline voids both; and 50 redemptions at
 * once against stock for 10 and points for 30.
 */
describe('the points shop', () => {
  let world: TestWorld;
  let pool: Account;
  const define = (overrides: Partial<DefineRewardRequest> = {}) =>
    world.client.request(subjects.timebank.reward.define, { id: randomUUID(), communityCode: 'M1', name: 'Rice, 5 kg', points: 100, stock: 10, actor, ...overrides });
  const redeem = (rewardId: string, accountId: string, extra: object = {}) =>
    world.client.request(subjects.timebank.redemption.redeem, { id: randomUUID(), rewardId, accountId, actor, ...extra });
  const pickUp = (redemptionId: string, id = randomUUID()) => world.client.request(subjects.timebank.redemption.pickUp, { id, redemptionId, actor });
  const cancel = (redemptionId: string, id = randomUUID()) => world.client.request(subjects.timebank.redemption.cancel, { id, redemptionId, actor });
  const reward = (id: string) => world.client.request(subjects.timebank.reward.get, { id });
  const account = (id: string) => world.client.request(subjects.timebank.account.get, { id });
  /** A volunteer's points account holding `points`, earned from the community's pool. */
  const volunteer = async (points: number) => {
    const a = await openAccount(world, { currency: 'points' });
    if (points > 0) {
      await world.client.request(subjects.timebank.transfer.create, {
        id: randomUUID(),
        debitAccountId: pool.id,
        creditAccountId: a.id,
        amount: points,
        code: 'earning-rule',
        reference: `deed:${randomUUID()}`,
        actor,
      });
    }
    return a;
  };

  beforeAll(async () => {
    world = await testWorld(['timebank']);
    await world.start(timebankService, 'timebank', { TIMEBANK_PENDING_POLL_MS: '50' });
    await world.start(timebankService, 'timebank', { TIMEBANK_PENDING_POLL_MS: '50' });
    await seedAreas(world);
    pool = await openAccount(world, { currency: 'points', ownerKind: 'community', ownerId: 'M1' });
  }, 60_000);
  afterAll(async () => {
    if (world) expect(await brokenChecks(world)).toEqual([]);
    await world?.dispose();
  });

  it('defines rewards in a community shop, updating one in place but never below what it has handed out', async () => {
    const rice = await define({ perPersonLimit: 2 });
    expect(rice).toMatchObject({ communityCode: 'M1', points: 100, stock: 10, reserved: 0, issued: 0, available: 10, perPersonLimit: 2, pickupSeconds: 259_200 });
    const shop = await account(rice.shopAccountId);
    expect(shop).toMatchObject({ ownerKind: 'shop', ownerId: 'M1', currency: 'points', debitsMustNotExceedCredits: false });
    const oil = await define({ name: 'Cooking oil', points: 80, stock: 3 });
    expect(oil.shopAccountId).toBe(rice.shopAccountId);
    const updated = await define({ id: rice.id, name: 'Rice, 10 kg', points: 180, stock: 12, perPersonLimit: 2 });
    expect(updated).toMatchObject({ name: 'Rice, 10 kg', points: 180, stock: 12 });
    expect((await world.client.request(subjects.timebank.reward.list, { communityCode: 'M1' })).items.map((r) => r.id).sort()).toEqual([rice.id, oil.id].sort());

    const v = await volunteer(200);
    await redeem(oil.id, v.id);
    const shrink = await errorOf(define({ id: oil.id, name: 'Cooking oil', points: 80, stock: 0 }));
    expect(shrink?.code).toBe(ErrorCode.CONFLICT);
    expect((await errorOf(define({ id: oil.id, communityCode: 'M2' })))?.code).toBe(ErrorCode.CONFLICT);
    expect((await errorOf(define({ communityCode: 'M3', actor: d1Operator })))?.code).toBe(ErrorCode.FORBIDDEN);
    const bad = await errorOf(world.client.request(subjects.timebank.reward.define, { id: 'x', communityCode: '', name: '', points: 0, stock: -1, perPersonLimit: 0, actor } as never));
    expect(fieldsOf(bad)).toEqual(['communityCode', 'id', 'name', 'perPersonLimit', 'points', 'stock']);
  });

  it('reserves points and stock together; pickup posts both once, cancellation releases both once', async () => {
    const tea = await define({ name: 'Tea', points: 30, stock: 5, perPersonLimit: 3 });
    const v = await volunteer(100);
    const first = await redeem(tea.id, v.id, { quantity: 2 });
    expect(first).toMatchObject({ state: 'reserved', quantity: 2, points: 60, transferId: first.id });
    expect(await reward(tea.id)).toMatchObject({ reserved: 2, issued: 0, available: 3 });
    expect(await account(v.id)).toMatchObject({ balance: 100, debitsPending: 60, available: 40 });

    const pickupId = randomUUID();
    const picked = await pickUp(first.id, pickupId);
    expect(picked).toMatchObject({ state: 'picked-up', resolvedBy: pickupId });
    expect(await pickUp(first.id, pickupId)).toEqual(picked);
    expect((await errorOf(cancel(first.id)))?.message).toContain('already picked-up');
    expect(await reward(tea.id)).toMatchObject({ reserved: 0, issued: 2, available: 3 });
    expect(await account(v.id)).toMatchObject({ balance: 40, debitsPending: 0 });
    const [event] = await world.query<{ payload: { redemption: Redemption; rewardName: string } }>('timebank', `SELECT payload FROM outbox WHERE subject = $1`, [
      subjects.timebank.reward.redeemed.subject,
    ]);
    expect(event?.payload).toMatchObject({ redemption: { id: first.id, state: 'picked-up' }, rewardName: 'Tea', communityCode: 'M1' });

    const second = await redeem(tea.id, v.id);
    // Its points are the shop's to release, with the stock: not straight through the ledger.
    const direct = await errorOf(world.client.request(subjects.timebank.transfer.void, { id: randomUUID(), pendingId: second.id, actor }));
    expect(direct?.message).toContain('redemption.pick-up or redemption.cancel');
    const cancelled = await cancel(second.id);
    expect(cancelled.state).toBe('cancelled');
    expect((await errorOf(pickUp(second.id)))?.code).toBe(ErrorCode.CONFLICT);
    expect(await reward(tea.id)).toMatchObject({ reserved: 0, issued: 2 });
    expect(await account(v.id)).toMatchObject({ balance: 40, debitsPending: 0 });
  });

  it('refuses what the rules do not allow, changing neither stock nor points', async () => {
    const soap = await define({ name: 'Soap', points: 50, stock: 2, perPersonLimit: 1 });
    const rich = await volunteer(500);
    const poor = await volunteer(40);
    const request = { id: randomUUID(), rewardId: soap.id, accountId: rich.id, actor };
    const held = await world.client.request(subjects.timebank.redemption.redeem, request);
    expect(await world.client.request(subjects.timebank.redemption.redeem, request)).toEqual(held);
    expect((await errorOf(world.client.request(subjects.timebank.redemption.redeem, { ...request, quantity: 2 })))?.code).toBe(ErrorCode.CONFLICT);
    const limit = await errorOf(redeem(soap.id, rich.id));
    expect(limit?.message).toContain('allows 1 per person');
    const points = await errorOf(redeem(soap.id, poor.id));
    expect(points?.message).toMatch(/40 points available/);
    expect((await errorOf(redeem(soap.id, (await volunteer(500)).id, { quantity: 2 })))?.message).toContain('has 1 left');
    const time = await openAccount(world, { currency: 'time' });
    expect(fieldsOf(await errorOf(redeem(soap.id, time.id)))).toEqual(['accountId']);
    expect(fieldsOf(await errorOf(redeem(soap.id, rich.id, { quantity: 0 })))).toEqual(['quantity']);
    expect((await errorOf(redeem(randomUUID(), rich.id)))?.code).toBe(ErrorCode.NOT_FOUND);
    expect(await reward(soap.id)).toMatchObject({ reserved: 1, issued: 0 });
    expect(await account(poor.id)).toMatchObject({ balance: 40, debitsPending: 0 });
  });

  it('expires a reservation not picked up by its deadline, releasing points and stock', async () => {
    const eggs = await define({ name: 'Eggs', points: 20, stock: 1, pickupSeconds: 1 });
    const v = await volunteer(20);
    const held = await redeem(eggs.id, v.id);
    await waitFor('the reservation to expire', async () => (await world.client.request(subjects.timebank.redemption.get, { id: held.id })).state === 'expired' || undefined, 10_000);
    expect(await reward(eggs.id)).toMatchObject({ reserved: 0, issued: 0, available: 1 });
    expect(await account(v.id)).toMatchObject({ balance: 20, available: 20 });
    expect((await errorOf(pickUp(held.id)))?.message).toContain('already expired');
  });

  it('takes 50 redemptions at once against stock for 10 and points for 30: exactly 10 reserved, then each resolved once', async () => {
    const bike = await define({ name: 'Bicycle repair', points: 100, stock: 10, perPersonLimit: 1, pickupSeconds: 5 });
    const able = await Promise.all(Array.from({ length: 30 }, () => volunteer(100)));
    const unable = await Promise.all(Array.from({ length: 20 }, () => volunteer(99)));
    const outcomes = await Promise.all(
      [...able, ...unable].map((v) =>
        redeem(bike.id, v.id).then(
          (r) => ({ v, ok: r }),
          (e: GridworkError) => ({ v, refused: e }),
        ),
      ),
    );
    const reserved = outcomes.flatMap((o) => ('ok' in o ? [o.ok] : []));
    const refused = outcomes.flatMap((o) => ('refused' in o ? [o] : []));
    expect(reserved).toHaveLength(10);
    const ableIds = new Set(able.map((a) => a.id));
    // None of those without the points got one; an able volunteer was refused only for stock, an unable one for points or stock.
    expect(reserved.every((r) => ableIds.has(r.accountId))).toBe(true);
    expect(refused.every(({ refused: e }) => e.code === ErrorCode.CONFLICT)).toBe(true);
    expect(refused.filter(({ v }) => ableIds.has(v.id)).map(({ refused: e }) => e.message.match(/has 0 left/)?.[0])).toEqual(Array(20).fill('has 0 left'));
    expect(refused.filter(({ v }) => !ableIds.has(v.id)).every(({ refused: e }) => /has 0 left|99 points available/.test(e.message))).toBe(true);
    expect(await reward(bike.id)).toMatchObject({ reserved: 10, issued: 0, available: 0 });

    // Six picked up (each pickup sent twice at once), two cancelled while a pickup races them, two left to the deadline.
    const [pick, race, lapse] = [reserved.slice(0, 6), reserved.slice(6, 8), reserved.slice(8)];
    for (const r of pick) {
      const id = randomUUID();
      const [a, b] = await Promise.all([pickUp(r.id, id), pickUp(r.id, id)]);
      expect(b).toEqual(a);
    }
    const raced = await Promise.all(race.map((r) => Promise.allSettled([cancel(r.id), pickUp(r.id)])));
    for (const [c, p] of raced) expect([c.status, p.status].sort()).toEqual(['fulfilled', 'rejected']);
    await waitFor('the lapsed reservations to expire', async () => {
      const states = await Promise.all(lapse.map((r) => world.client.request(subjects.timebank.redemption.get, { id: r.id })));
      return states.every((s) => s.state === 'expired') || undefined;
    }, 20_000);
    const pickedInRace = raced.filter(([, p]) => p.status === 'fulfilled').length;
    const issued = 6 + pickedInRace;
    expect(await reward(bike.id)).toMatchObject({ reserved: 0, issued, available: 10 - issued });

    // What was released can be redeemed again: the rest of the able volunteers try at once, and exactly the freed pieces go.
    const again = await Promise.allSettled(able.filter((a) => !reserved.some((r) => r.accountId === a.id)).map((v) => redeem(bike.id, v.id)));
    expect(again.filter((o) => o.status === 'fulfilled')).toHaveLength(10 - issued);
    expect(await reward(bike.id)).toMatchObject({ reserved: 10 - issued, issued, available: 0 });

    // Points: each volunteer paid for what they picked up, holds what they still have reserved, and none is below zero.
    const all = (await world.client.request(subjects.timebank.redemption.list, { rewardId: bike.id, limit: 500 })).items;
    for (const v of [...able, ...unable]) {
      const mine = all.filter((r) => r.accountId === v.id);
      const now = await account(v.id);
      expect(now.balance).toBe((ableIds.has(v.id) ? 100 : 99) - 100 * mine.filter((r) => r.state === 'picked-up').length);
      expect(now.debitsPending).toBe(100 * mine.filter((r) => r.state === 'reserved').length);
      expect(now.available).toBeGreaterThanOrEqual(0);
    }
    const [sums] = await world.query<{ spent: string; held: string }>(
      'timebank',
      `SELECT sum(debits_posted)::text AS spent, sum(debits_pending)::text AS held FROM account WHERE id = ANY ($1::uuid[])`,
      [[...able, ...unable].map((v) => v.id)],
    );
    expect(sums).toEqual({ spent: String(issued * 100), held: String((10 - issued) * 100) });
    expect(await brokenChecks(world)).toEqual([]);
  }, 60_000);
});
