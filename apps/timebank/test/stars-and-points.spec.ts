import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { ErrorCode, subjects, type Case, type PointsAward, type PointsEarned, type StarReached, type Volunteer } from '@gridwork/contracts';
import { ensureServiceStreams } from '@gridwork/messaging';
import { waitFor } from '@gridwork/testing';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { timebankService } from '../src/timebank.definition.js';
import { actor, brokenChecks, d1Operator, errorOf, fieldsOf, seedAreas } from './fixtures/world.js';

/**
 * Stars from verified lifetime hours, earning rules per area (per hour, per
 * deed, per counted courier whistle report, with caps), and the consumer of
 * dispatch's closed cases, over NATS and JetStream.
 */
describe('stars and points', () => {
  let world: TestWorld;
  const register = (homeCommunityCode = 'M1') =>
    world.client.request(subjects.timebank.volunteer.register, { id: randomUUID(), name: 'Zhang Min', homeCommunityCode, actor });
  const points = async (v: Volunteer) => (await world.client.request(subjects.timebank.account.get, { id: v.pointsAccountId })).balance;
  /** Signs a volunteer up for a new activity, checks them in and verifies `minutes`. */
  const serve = async (v: Volunteer, minutes: number) => {
    const activity = await world.client.request(subjects.timebank.activity.post, {
      id: randomUUID(),
      title: 'Tidying the park',
      organizerKind: 'community',
      organizerId: 'M1',
      communityCode: 'M1',
      place: 'Park',
      startsAt: '2026-12-12T01:00:00Z',
      endsAt: '2026-12-12T09:00:00Z',
      places: 5,
      actor,
    });
    const on = { activityId: activity.id, volunteerId: v.id, actor };
    await world.client.request(subjects.timebank.activity.signUp, on);
    await world.client.request(subjects.timebank.activity.checkIn, { ...on, at: '2026-12-12T01:00:00Z' });
    return world.client.request(subjects.timebank.activity.verifyHours, { id: randomUUID(), ...on, minutes });
  };
  const outbox = async <T>(subject: string) => (await world.query<{ payload: T }>('timebank', `SELECT payload FROM outbox WHERE subject = $1 ORDER BY seq`, [subject])).map((r) => r.payload);

  beforeAll(async () => {
    world = await testWorld(['timebank']);
    await world.start(timebankService, 'timebank');
    await seedAreas(world);
  }, 60_000);
  afterAll(async () => {
    if (world) expect(await brokenChecks(world)).toEqual([]);
    await world?.dispose();
  });

  it('raises a volunteer’s star as verified hours pass the thresholds an admin set, announcing each rise', async () => {
    const bad = await errorOf(
      world.client.request(subjects.timebank.star.setLevels, {
        levels: [
          { star: 1, minutes: 600, benefits: [] },
          { star: 3, minutes: 500, benefits: [] },
        ],
        actor,
      }),
    );
    expect(fieldsOf(bad)).toEqual(['levels[1]']);
    expect((await errorOf(world.client.request(subjects.timebank.star.setLevels, { levels: [{ star: 1, minutes: 60, benefits: [] }], actor: d1Operator })))?.code).toBe(ErrorCode.FORBIDDEN);
    await world.client.request(subjects.timebank.star.setLevels, {
      levels: [
        { star: 1, minutes: 6_000, benefits: ['a thank-you letter'] },
        { star: 2, minutes: 18_000, benefits: ['priority at the community clinic'] },
        { star: 3, minutes: 30_000, benefits: ['free park entry', 'priority at the community clinic'] },
      ],
      actor,
    });
    expect((await world.client.request(subjects.timebank.star.levels, {})).levels.map((l) => l.star)).toEqual([1, 2, 3]);

    const v = await register();
    expect(await world.client.request(subjects.timebank.star.get, { volunteerId: v.id })).toEqual({ volunteerId: v.id, star: 0, lifetimeMinutes: 0, benefits: [], nextStarMinutes: 6_000 });
    await serve(v, 1_440);
    for (let i = 0; i < 4; i++) await serve(v, 1_440); // 7,200 minutes: one star
    expect(await world.client.request(subjects.timebank.star.get, { volunteerId: v.id })).toMatchObject({ star: 1, lifetimeMinutes: 7_200, benefits: ['a thank-you letter'], nextStarMinutes: 18_000 });
    for (let i = 0; i < 8; i++) await serve(v, 1_440); // 18,720: two stars
    const reached = (await outbox<StarReached>(subjects.timebank.star.reached.subject)).filter((e) => e.volunteerId === v.id);
    expect(reached.map((e) => [e.previousStar, e.star, e.lifetimeMinutes])).toEqual([
      [0, 1, 7_200],
      [1, 2, 18_720],
    ]);
    expect((await world.client.request(subjects.timebank.account.get, { id: v.timeAccountId })).balance).toBe(18_720);
  });

  it('earns points per verified hour by the nearest rule, never above its cap per day', async () => {
    await world.client.request(subjects.timebank.earningRule.define, { id: randomUUID(), areaCode: 'D1', kind: 'service-hour', points: 10, cap: 25, capPeriod: 'day', actor });
    const v = await register();
    await serve(v, 150); // two whole hours: 20
    expect(await points(v)).toBe(20);
    await serve(v, 120); // 20 more, but 5 left under the cap
    expect(await points(v)).toBe(25);
    await serve(v, 600);
    expect(await points(v)).toBe(25);
    const earned = (await outbox<PointsEarned>(subjects.timebank.points.earned.subject)).filter((e) => e.award.volunteerId === v.id);
    expect(earned.map((e) => [e.award.kind, e.award.points, e.areaCode])).toEqual([
      ['service-hour', 20, 'D1'],
      ['service-hour', 5, 'D1'],
    ]);
    // A community's own rule is nearer than its district's.
    await world.client.request(subjects.timebank.earningRule.define, { id: randomUUID(), areaCode: 'M1', kind: 'service-hour', points: 1, actor });
    const w = await register();
    await serve(w, 180);
    expect(await points(w)).toBe(3);
    const listed = await world.client.request(subjects.timebank.earningRule.list, { areaCode: 'M1' });
    expect(listed.items.map((r) => r.areaCode)).toEqual(['D1', 'M1']);
  });

  it('awards a good deed by its rule once per command, and refuses what no rule covers', async () => {
    const rule = await world.client.request(subjects.timebank.earningRule.define, { id: randomUUID(), areaCode: 'T1', kind: 'deed', deedCode: 'help-elder', points: 5, actor });
    expect(rule).toMatchObject({ kind: 'deed', deedCode: 'help-elder', active: true });
    const v = await register();
    const deed = { id: randomUUID(), volunteerId: v.id, deedCode: 'help-elder', description: 'Carried shopping upstairs for Mrs Wang', actor };
    const award = await world.client.request(subjects.timebank.points.awardDeed, deed);
    expect(award).toMatchObject({ points: 5, kind: 'deed', ruleId: rule.id, reference: `deed:${deed.id}` });
    expect(await world.client.request(subjects.timebank.points.awardDeed, deed)).toEqual(award);
    expect((await errorOf(world.client.request(subjects.timebank.points.awardDeed, { ...deed, description: 'other' })))?.code).toBe(ErrorCode.CONFLICT);
    expect(await points(v)).toBe(5);
    expect((await errorOf(world.client.request(subjects.timebank.points.awardDeed, { ...deed, id: randomUUID(), deedCode: 'plant-trees' })))?.code).toBe(ErrorCode.NOT_FOUND);
    const far = await register('M3');
    expect((await errorOf(world.client.request(subjects.timebank.points.awardDeed, { ...deed, id: randomUUID(), volunteerId: far.id })))?.code).toBe(ErrorCode.NOT_FOUND);
    expect((await errorOf(world.client.request(subjects.timebank.points.awardDeed, { ...deed, id: randomUUID(), volunteerId: far.id, actor: d1Operator })))?.code).toBe(ErrorCode.FORBIDDEN);
    const wrong = await errorOf(world.client.request(subjects.timebank.earningRule.define, { id: randomUUID(), areaCode: 'M1', kind: 'deed', points: 5, cap: 10, outcomes: ['satisfied'], actor }));
    expect(fieldsOf(wrong)).toEqual(['capPeriod', 'deedCode', 'outcomes']);
  });

  it('lapses awarded points when their rule’s time is up, as far as the volunteer still has them', async () => {
    await world.client.request(subjects.timebank.earningRule.define, { id: randomUUID(), areaCode: 'M1', kind: 'deed', deedCode: 'sweep-snow', points: 10, expiresAfterDays: 30, actor });
    const v = await register();
    const deeds: PointsAward[] = [];
    for (let i = 0; i < 2; i++) deeds.push(await world.client.request(subjects.timebank.points.awardDeed, { id: randomUUID(), volunteerId: v.id, deedCode: 'sweep-snow', description: 'Swept the lane', actor }));
    expect(Date.parse(deeds[0]!.expiresAt!) - Date.parse(deeds[0]!.awardedAt)).toBe(30 * 86_400_000);
    // 15 of the 20 spent in a shop.
    const shop = await world.client.request(subjects.timebank.reward.define, { id: randomUUID(), communityCode: 'M1', name: 'Gloves', points: 15, stock: 1, actor });
    const redemption = await world.client.request(subjects.timebank.redemption.redeem, { id: randomUUID(), rewardId: shop.id, accountId: v.pointsAccountId, actor });
    await world.client.request(subjects.timebank.redemption.pickUp, { id: randomUUID(), redemptionId: redemption.id, actor });
    // Thirty days pass (the awards' lapse moved to now, as the timer would find them then).
    await world.query('timebank', `UPDATE points_award SET expires_at = now() - interval '1 second' WHERE id = ANY ($1::uuid[])`, [deeds.map((d) => d.id)]);
    const lapsed = await waitFor('both awards to lapse', async () => {
      const rows = await world.query<{ id: string; expired_points: number | null }>('timebank', `SELECT id, expired_points FROM points_award WHERE id = ANY ($1::uuid[])`, [deeds.map((d) => d.id)]);
      return rows.every((r) => r.expired_points !== null) ? rows : undefined;
    });
    expect(lapsed.map((r) => r.expired_points).sort()).toEqual([0, 5]);
    expect(await points(v)).toBe(0);
    const expiries = await world.query<{ code: string; amount: string }>('timebank', `SELECT code, amount FROM transfer WHERE debit_account_id = $1 AND code = 'expiry'`, [v.pointsAccountId]);
    expect(expiries).toEqual([{ code: 'expiry', amount: '5' }]);
  });

  it('earns a courier points for a whistle report dispatch closed with a counted outcome, once per case', async () => {
    await world.client.request(subjects.timebank.earningRule.define, { id: randomUUID(), areaCode: 'D1', kind: 'courier-whistle', points: 8, actor });
    const courier = await register();
    // Dispatch's stream, as the dispatch service makes it; its events are published as its outbox relay does.
    await ensureServiceStreams(await jetstreamManager(world.nc), 'dispatch', 1);
    const js = jetstream(world.nc);
    const close = async (overrides: Partial<Case>, eventId = randomUUID()) => {
      const closed: Case = {
        id: randomUUID(),
        number: '2026120700000001',
        state: 'closed',
        channel: 'courier-whistle',
        categoryCode: 'road-damage',
        description: 'A hole in the road',
        areaPath: ['C', 'D1', 'T1', 'M1', 'G11'],
        gridCode: 'G11',
        reporter: { volunteerId: courier.id },
        attachments: [],
        reopenCount: 0,
        satisfaction: 'satisfied',
        reportedAt: '2026-12-07T01:00:00.000Z',
        updatedAt: '2026-12-07T05:00:00.000Z',
        closedAt: '2026-12-07T05:00:00.000Z',
        version: 7,
        ...overrides,
      };
      await js.publish(subjects.dispatch.case.closed.subject, JSON.stringify({ case: closed, hoursToClose: 4 }), { msgID: eventId });
      return closed;
    };
    const applied = async () => (await world.query<{ n: number }>('timebank', `SELECT count(*)::int AS n FROM inbox`))[0]!.n;
    const before = await applied();
    const counted = await close({});
    await close({ ...counted }); // the same closure as another event (a case closed again): once per case
    await close({ satisfaction: 'unsatisfied' });
    await close({ channel: 'hotline-12345' });
    await close({ duplicateOf: randomUUID() });
    await close({ reporter: { volunteerId: randomUUID() } });
    await close({ reporter: { volunteerId: 'not-a-volunteer-id' } });
    await close({ areaPath: ['C', 'D2', 'T2', 'M3'] });
    await waitFor('the eight closures to be applied', async () => (await applied()) - before >= 8 || undefined, 20_000);
    expect(await points(courier)).toBe(8);
    const earned = (await outbox<PointsEarned>(subjects.timebank.points.earned.subject)).filter((e) => e.award.volunteerId === courier.id);
    expect(earned.map((e) => [e.award.kind, e.award.points, e.award.reference])).toEqual([['courier-whistle', 8, `case:${counted.id}`]]);
  });
});
