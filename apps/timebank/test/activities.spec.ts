import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, subjects, type HoursVerified, type PostActivityRequest, type RegisterVolunteerRequest, type Signup, type Volunteer } from '@gridwork/contracts';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { ensureServiceStreams } from '@gridwork/messaging';
import { waitFor } from '@gridwork/testing';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { timebankService } from '../src/timebank.definition.js';
import { actor, brokenChecks, d1Operator, errorOf, fieldsOf, seedAreas } from './fixtures/world.js';

/**
 * Volunteers, teams and brands, and activities over NATS: registration
 * opens a volunteer's accounts; sign-up fills places then the waiting list,
 * promoted in order; check-in and out; verified hours deposited once and
 * announced.
 */
describe('volunteers and activities', () => {
  let world: TestWorld;
  const register = (overrides: Partial<RegisterVolunteerRequest> = {}) =>
    world.client.request(subjects.timebank.volunteer.register, { id: randomUUID(), name: 'Li Wei', homeCommunityCode: 'M1', actor, ...overrides });
  const post = (overrides: Partial<PostActivityRequest> = {}) =>
    world.client.request(subjects.timebank.activity.post, {
      id: randomUUID(),
      title: 'Visiting elders',
      organizerKind: 'community',
      organizerId: 'M1',
      communityCode: 'M1',
      place: 'Community centre',
      startsAt: '2026-12-10T01:00:00.000Z',
      endsAt: '2026-12-10T04:00:00.000Z',
      places: 2,
      actor,
      ...overrides,
    });
  const on = (activityId: string, volunteerId: string) => ({ activityId, volunteerId, actor });
  const signUp = (activityId: string, v: Volunteer) => world.client.request(subjects.timebank.activity.signUp, on(activityId, v.id));
  const activity = (id: string) => world.client.request(subjects.timebank.activity.get, { id });
  const account = (id: string) => world.client.request(subjects.timebank.account.get, { id });

  beforeAll(async () => {
    world = await testWorld(['timebank']);
    await world.start(timebankService, 'timebank');
    await world.start(timebankService, 'timebank');
    await seedAreas(world);
  }, 60_000);
  afterAll(async () => {
    if (world) expect(await brokenChecks(world)).toEqual([]);
    await world?.dispose();
  });

  it('registers a volunteer with a time and a points account of their community, and updates their profile', async () => {
    const v = await register({ skills: ['first-aid', 'cooking'], availability: ['weekend'], partyMemberId: 'pm-1001' });
    expect(v).toMatchObject({ homeCommunityCode: 'M1', skills: ['first-aid', 'cooking'], availability: ['weekend'], partyMemberId: 'pm-1001' });
    expect(await account(v.timeAccountId)).toMatchObject({ ownerKind: 'volunteer', ownerId: v.id, currency: 'time', areaCode: 'M1', debitsMustNotExceedCredits: true });
    expect(await account(v.pointsAccountId)).toMatchObject({ ownerKind: 'volunteer', ownerId: v.id, currency: 'points' });
    const updated = await register({ id: v.id, name: 'Li Wei', skills: ['first-aid'] });
    expect(updated).toMatchObject({ id: v.id, skills: ['first-aid'], timeAccountId: v.timeAccountId, availability: [] });
    expect(updated).not.toHaveProperty('partyMemberId');
    // Two registrations of one new volunteer at once make one volunteer and one pair of accounts.
    const id = randomUUID();
    const [a, b] = await Promise.all([register({ id }), register({ id })]);
    expect(b.timeAccountId).toBe(a.timeAccountId);

    expect((await errorOf(register({ id: v.id, homeCommunityCode: 'M2' })))?.code).toBe(ErrorCode.CONFLICT);
    expect((await errorOf(register({ homeCommunityCode: 'M3', actor: d1Operator })))?.code).toBe(ErrorCode.FORBIDDEN);
    const bad = await errorOf(register({ id: 'x', name: '', homeCommunityCode: 'M 1', skills: ['First Aid'], availability: 'weekend' as never }));
    expect(fieldsOf(bad)).toEqual(['availability', 'homeCommunityCode', 'id', 'name', 'skills']);
    const firstAiders = await world.client.request(subjects.timebank.volunteer.list, { areaCode: 'D1', skill: 'first-aid' });
    expect(firstAiders.items.map((x) => x.id)).toEqual([v.id]);
    expect((await world.client.request(subjects.timebank.volunteer.list, { skill: 'first-aid', withinAreas: ['D2'] })).items).toEqual([]);
  });

  it('learns areas from the grid service’s events, and registers volunteers there', async () => {
    // Grid's stream, as the grid service makes it; its events published as its outbox relay does.
    await ensureServiceStreams(await jetstreamManager(world.nc), 'grid', 1);
    const area = { code: 'M9', name: 'New community', level: 'community' as const, parentCode: 'T1', path: ['C', 'D1', 'T1', 'M9'] };
    await jetstream(world.nc).publish(subjects.grid.area.changed.subject, JSON.stringify({ change: 'created', area }), { msgID: randomUUID() });
    const v = await waitFor('the new community to be known', () => register({ homeCommunityCode: 'M9' }).catch(() => undefined), 20_000);
    expect(v.homeCommunityCode).toBe('M9');
    expect((await world.client.request(subjects.timebank.volunteer.list, { areaCode: 'D1', withinAreas: ['M9'] })).items.map((x) => x.id)).toEqual([v.id]);
  });

  it('keeps service brands and their teams with members', async () => {
    const brand = await world.client.request(subjects.timebank.brand.define, { id: randomUUID(), name: 'Five hearts', areaCode: 'D1', actor });
    const team = await world.client.request(subjects.timebank.team.define, { id: randomUUID(), name: 'Warm hearts team', communityCode: 'M1', brandId: brand.id, actor });
    const [lead, member] = [await register(), await register()];
    await world.client.request(subjects.timebank.team.join, { teamId: team.id, volunteerId: lead.id, role: 'leader', actor });
    const joined = await world.client.request(subjects.timebank.team.join, { teamId: team.id, volunteerId: member.id, actor });
    expect(joined.members.map((m) => [m.volunteerId, m.role])).toEqual([
      [lead.id, 'leader'],
      [member.id, 'member'],
    ]);
    await world.client.request(subjects.timebank.team.leave, { teamId: team.id, volunteerId: member.id, actor });
    const withTeams = await world.client.request(subjects.timebank.brand.get, { id: brand.id });
    expect(withTeams).toMatchObject({ name: 'Five hearts', areaCode: 'D1', teams: [{ id: team.id, brandId: brand.id, members: [{ volunteerId: lead.id, role: 'leader' }] }] });
    expect((await errorOf(world.client.request(subjects.timebank.team.define, { id: randomUUID(), name: 'x', communityCode: 'M1', brandId: randomUUID(), actor })))?.code).toBe(ErrorCode.NOT_FOUND);
    expect((await errorOf(post({ organizerKind: 'team', organizerId: randomUUID() })))?.code).toBe(ErrorCode.NOT_FOUND);
  });

  it('fills the places, then the waiting list, and promotes from it in order when someone cancels', async () => {
    const walk = await post({ places: 2 });
    expect(walk).toMatchObject({ places: 2, taken: 0, waiting: 0, skills: [] });
    const [a, b, c, d] = [await register(), await register(), await register(), await register()];
    expect((await signUp(walk.id, a)).state).toBe('signed-up');
    expect((await signUp(walk.id, b)).state).toBe('signed-up');
    expect(await signUp(walk.id, c)).toMatchObject({ state: 'waiting', waitingPosition: 1 });
    expect(await signUp(walk.id, d)).toMatchObject({ state: 'waiting', waitingPosition: 2 });
    expect((await signUp(walk.id, c)).waitingPosition).toBe(1);

    const cancelled = await world.client.request(subjects.timebank.activity.cancelSignUp, on(walk.id, a.id));
    expect(cancelled.state).toBe('cancelled');
    const now = await activity(walk.id);
    expect(now).toMatchObject({ taken: 2, waiting: 1 });
    expect(now.signups.map((s) => [s.volunteerId, s.state, s.waitingPosition])).toEqual([
      [b.id, 'signed-up', undefined],
      [c.id, 'signed-up', undefined],
      [d.id, 'waiting', 1],
      [a.id, 'cancelled', undefined],
    ]);
    // Back again after cancelling: the end of the list.
    expect(await signUp(walk.id, a)).toMatchObject({ state: 'waiting', waitingPosition: 2 });
  });

  it('promotes exactly in order when twenty sign up at once for five places and three cancel at once', async () => {
    const big = await post({ places: 5, title: 'River clean-up' });
    const people = await Promise.all(Array.from({ length: 20 }, () => register()));
    const signups = await Promise.all(people.map((p) => signUp(big.id, p)));
    expect(signups.filter((s) => s.state === 'signed-up')).toHaveLength(5);
    const waiting = (await activity(big.id)).signups.filter((s) => s.state === 'waiting');
    expect(waiting.map((s) => s.waitingPosition)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    const holders = signups.filter((s) => s.state === 'signed-up').slice(0, 3);
    await Promise.all(holders.map((h) => world.client.request(subjects.timebank.activity.cancelSignUp, on(big.id, h.volunteerId))));
    const after = await activity(big.id);
    expect(after).toMatchObject({ taken: 5, waiting: 12 });
    const promoted = after.signups.filter((s) => s.state === 'signed-up').map((s) => s.volunteerId);
    expect(promoted).toEqual(expect.arrayContaining(waiting.slice(0, 3).map((s) => s.volunteerId)));
    expect(after.signups.filter((s) => s.state === 'waiting').map((s) => s.volunteerId)).toEqual(waiting.slice(3).map((s) => s.volunteerId));
  });

  it('deposits verified minutes once, from the community pool, and announces them', async () => {
    const lunch = await post({ places: 3, title: 'Lunch for elders' });
    const [v, w, x] = [await register({ partyMemberId: 'pm-2002' }), await register(), await register()];
    for (const p of [v, w, x]) await signUp(lunch.id, p);
    const check = (subject: 'checkIn' | 'checkOut', who: Volunteer, at: string) => world.client.request(subjects.timebank.activity[subject], { ...on(lunch.id, who.id), at });
    await check('checkIn', v, '2026-12-10T01:00:00.000Z');
    expect((await errorOf(check('checkOut', v, '2026-12-10T00:59:00.000Z')))?.details?.[0]?.field).toBe('at');
    await check('checkOut', v, '2026-12-10T03:30:00.000Z');
    expect((await errorOf(world.client.request(subjects.timebank.activity.verifyHours, { id: randomUUID(), ...on(lunch.id, w.id) })))?.code).toBe(ErrorCode.CONFLICT);

    // Two verifications under different ids at once: one deposit.
    const [first, second] = [randomUUID(), randomUUID()];
    const results = await Promise.allSettled([first, second].map((id) => world.client.request(subjects.timebank.activity.verifyHours, { id, ...on(lunch.id, v.id) })));
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const verified = (results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<Signup>).value;
    expect(verified).toMatchObject({ state: 'verified', minutes: 150 });
    expect(await world.client.request(subjects.timebank.activity.verifyHours, { id: verified.transferId!, ...on(lunch.id, v.id) })).toEqual(verified);
    expect(await account((await world.client.request(subjects.timebank.volunteer.get, { id: v.id })).timeAccountId)).toMatchObject({ balance: 150 });
    const deposit = await world.client.request(subjects.timebank.transfer.get, { id: verified.transferId! });
    expect(deposit).toMatchObject({ code: 'service', amount: 150, reference: `activity:${lunch.id}` });
    expect(await account(deposit.debitAccountId)).toMatchObject({ ownerKind: 'community', ownerId: 'M1', currency: 'time' });

    // The organizer corrects a forgotten check-out by giving the minutes.
    await check('checkIn', w, '2026-12-10T01:10:00.000Z');
    expect((await world.client.request(subjects.timebank.activity.verifyHours, { id: randomUUID(), ...on(lunch.id, w.id), minutes: 120 })).minutes).toBe(120);
    expect((await world.client.request(subjects.timebank.activity.noShow, on(lunch.id, x.id))).state).toBe('no-show');
    expect((await errorOf(world.client.request(subjects.timebank.activity.checkIn, on(lunch.id, x.id))))?.code).toBe(ErrorCode.CONFLICT);

    const events = await world.query<{ payload: HoursVerified }>('timebank', `SELECT payload FROM outbox WHERE subject = $1 ORDER BY seq`, [subjects.timebank.hours.verified.subject]);
    expect(events.map((e) => e.payload)).toEqual([
      expect.objectContaining({ entryId: verified.transferId, volunteerId: v.id, partyMemberId: 'pm-2002', activityId: lunch.id, activityName: 'Lunch for elders', areaCode: 'M1', minutes: 150, lifetimeMinutes: 150 }),
      expect.objectContaining({ volunteerId: w.id, minutes: 120, lifetimeMinutes: 120 }),
    ]);
    expect(events[1]!.payload).not.toHaveProperty('partyMemberId');
  });

  it('refuses bad activities naming the fields, and acts only within the actor’s areas', async () => {
    const bad = await errorOf(post({ id: 'x', title: '', organizerKind: 'club' as never, places: 0, startsAt: 'tomorrow', skills: ['Cooking'] }));
    expect(fieldsOf(bad)).toEqual(['id', 'organizerKind', 'places', 'skills', 'startsAt', 'title']);
    expect(fieldsOf(await errorOf(post({ endsAt: '2026-12-10T00:00:00.000Z' })))).toEqual(['endsAt']);
    expect((await errorOf(post({ communityCode: 'M3', actor: d1Operator })))?.code).toBe(ErrorCode.FORBIDDEN);
    const far = await post({ communityCode: 'M3', organizerId: 'M3' });
    const v = await register({ homeCommunityCode: 'M3' });
    expect((await errorOf(world.client.request(subjects.timebank.activity.signUp, { activityId: far.id, volunteerId: v.id, actor: d1Operator })))?.code).toBe(ErrorCode.FORBIDDEN);
    const again = { id: randomUUID(), title: 'Same', organizerKind: 'community' as const, organizerId: 'M1', communityCode: 'M1', place: 'Hall', startsAt: '2026-12-11T01:00:00Z', endsAt: '2026-12-11T02:00:00Z', places: 1, actor };
    const once = await world.client.request(subjects.timebank.activity.post, again);
    expect(await world.client.request(subjects.timebank.activity.post, again)).toEqual(once);
    expect((await errorOf(world.client.request(subjects.timebank.activity.post, { ...again, places: 2 })))?.code).toBe(ErrorCode.CONFLICT);
  });
});
