import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, subjects, type Volunteer } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { timebankService } from '../src/timebank.definition.js';
import { actor, brokenChecks, d1Operator, errorOf, fieldsOf, seedAreas } from './fixtures/world.js';

/** Spending hours over NATS: a service requested, offered, completed or cancelled; gifts to family; moves between communities' banks. */
describe('spending hours', () => {
  let world: TestWorld;
  const balance = async (v: Volunteer) => world.client.request(subjects.timebank.account.get, { id: v.timeAccountId });
  /** A volunteer holding `minutes` of verified service (deposited as an activity's organizer verifies them). */
  const volunteer = async (minutes: number, homeCommunityCode = 'M1') => {
    const v = await world.client.request(subjects.timebank.volunteer.register, { id: randomUUID(), name: 'Chen Jie', homeCommunityCode, actor });
    if (minutes > 0) {
      const activity = await world.client.request(subjects.timebank.activity.post, {
        id: randomUUID(),
        title: 'Reading to children',
        organizerKind: 'community',
        organizerId: homeCommunityCode,
        communityCode: homeCommunityCode,
        place: 'Library',
        startsAt: '2026-12-13T01:00:00Z',
        endsAt: '2026-12-13T05:00:00Z',
        places: 1,
        actor,
      });
      const on = { activityId: activity.id, volunteerId: v.id, actor };
      await world.client.request(subjects.timebank.activity.signUp, on);
      await world.client.request(subjects.timebank.activity.checkIn, { ...on, at: '2026-12-13T01:00:00Z' });
      await world.client.request(subjects.timebank.activity.verifyHours, { id: randomUUID(), ...on, minutes });
    }
    return v;
  };

  beforeAll(async () => {
    world = await testWorld(['timebank']);
    await world.start(timebankService, 'timebank');
    await seedAreas(world);
  }, 60_000);
  afterAll(async () => {
    if (world) expect(await brokenChecks(world)).toEqual([]);
    await world?.dispose();
  });

  it('pays a service in minutes: reserved from the requester when matched, paid to the provider when done, once', async () => {
    const [elder, helper] = [await volunteer(300), await volunteer(0)];
    const request = { id: randomUUID(), volunteerId: elder.id, description: 'Help changing a light bulb', minutes: 60, actor };
    const open = await world.client.request(subjects.timebank.exchange.request, request);
    expect(open).toMatchObject({ state: 'open', minutes: 60, requesterId: elder.id });
    expect(await world.client.request(subjects.timebank.exchange.request, request)).toEqual(open);
    expect(fieldsOf(await errorOf(world.client.request(subjects.timebank.exchange.offer, { id: randomUUID(), exchangeId: open.id, volunteerId: elder.id, actor })))).toEqual(['volunteerId']);

    const offerId = randomUUID();
    const matched = await world.client.request(subjects.timebank.exchange.offer, { id: offerId, exchangeId: open.id, volunteerId: helper.id, actor });
    expect(matched).toMatchObject({ state: 'matched', providerId: helper.id, reservationId: offerId });
    expect(await balance(elder)).toMatchObject({ balance: 300, debitsPending: 60, available: 240 });
    expect((await errorOf(world.client.request(subjects.timebank.exchange.offer, { id: randomUUID(), exchangeId: open.id, volunteerId: helper.id, actor })))?.code).toBe(ErrorCode.CONFLICT);
    expect((await errorOf(world.client.request(subjects.timebank.transfer.post, { id: randomUUID(), pendingId: offerId, actor })))?.message).toContain('exchange.complete or exchange.cancel');

    const doneId = randomUUID();
    const done = await world.client.request(subjects.timebank.exchange.complete, { id: doneId, exchangeId: open.id, minutes: 45, actor });
    expect(done).toMatchObject({ state: 'completed', paidMinutes: 45 });
    expect(await world.client.request(subjects.timebank.exchange.complete, { id: doneId, exchangeId: open.id, minutes: 45, actor })).toEqual(done);
    expect((await errorOf(world.client.request(subjects.timebank.exchange.cancel, { id: randomUUID(), exchangeId: open.id, actor })))?.code).toBe(ErrorCode.CONFLICT);
    expect(await balance(elder)).toMatchObject({ balance: 255, debitsPending: 0 });
    expect(await balance(helper)).toMatchObject({ balance: 45 });
  });

  it('will not match a request the requester cannot pay, and cancelling a match gives the minutes back', async () => {
    const [poor, rich, helper] = [await volunteer(30), await volunteer(120), await volunteer(0)];
    const big = await world.client.request(subjects.timebank.exchange.request, { id: randomUUID(), volunteerId: poor.id, description: 'Moving house', minutes: 240, actor });
    const refused = await errorOf(world.client.request(subjects.timebank.exchange.offer, { id: randomUUID(), exchangeId: big.id, volunteerId: helper.id, actor }));
    expect(refused?.message).toMatch(/30 minutes available/);
    expect((await world.client.request(subjects.timebank.exchange.get, { id: big.id })).state).toBe('open');
    const small = await world.client.request(subjects.timebank.exchange.request, { id: randomUUID(), volunteerId: rich.id, description: 'Walking the dog', minutes: 90, actor });
    await world.client.request(subjects.timebank.exchange.offer, { id: randomUUID(), exchangeId: small.id, volunteerId: helper.id, actor });
    expect((await world.client.request(subjects.timebank.exchange.cancel, { id: randomUUID(), exchangeId: small.id, actor })).state).toBe('cancelled');
    expect(await balance(rich)).toMatchObject({ balance: 120, debitsPending: 0 });
    expect(await balance(helper)).toMatchObject({ balance: 0, creditsPending: 0 });
  });

  it('gives hours to family and moves hours between communities’ banks', async () => {
    const [grandma, grandson] = [await volunteer(200), await volunteer(0, 'M3')];
    const gift = { id: randomUUID(), fromVolunteerId: grandma.id, toVolunteerId: grandson.id, minutes: 120, note: 'for my grandson', actor };
    const moved = await world.client.request(subjects.timebank.hours.give, gift);
    expect(moved).toMatchObject({ minutes: 120, debitAccountId: grandma.timeAccountId, creditAccountId: grandson.timeAccountId });
    expect(await world.client.request(subjects.timebank.hours.give, gift)).toEqual(moved);
    expect((await errorOf(world.client.request(subjects.timebank.hours.give, { ...gift, minutes: 121 })))?.code).toBe(ErrorCode.CONFLICT);
    expect((await errorOf(world.client.request(subjects.timebank.hours.give, { ...gift, id: randomUUID(), minutes: 81 })))?.message).toMatch(/80 minutes available/);
    expect(await balance(grandson)).toMatchObject({ balance: 120 });

    const between = await world.client.request(subjects.timebank.hours.moveBetweenBanks, { id: randomUUID(), fromCommunityCode: 'M1', toCommunityCode: 'M3', minutes: 500, reason: 'M3 runs short for its elders', actor });
    expect(await world.client.request(subjects.timebank.account.get, { id: between.creditAccountId })).toMatchObject({ ownerKind: 'community', ownerId: 'M3', creditsPosted: 500 });
    const denied = await errorOf(world.client.request(subjects.timebank.hours.moveBetweenBanks, { id: randomUUID(), fromCommunityCode: 'M3', toCommunityCode: 'M1', minutes: 5, reason: 'back', actor: d1Operator }));
    expect(denied?.code).toBe(ErrorCode.FORBIDDEN);
    expect(fieldsOf(await errorOf(world.client.request(subjects.timebank.hours.moveBetweenBanks, { id: randomUUID(), fromCommunityCode: 'M1', toCommunityCode: 'M1', minutes: 5, reason: 'x', actor })))).toEqual(['toCommunityCode']);
  });
});
