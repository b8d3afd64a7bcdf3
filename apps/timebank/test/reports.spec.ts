import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { today } from '@gridwork/local-time';
import { ErrorCode, subjects, type Volunteer } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { timebankService } from '../src/timebank.definition.js';
import { actor, errorOf, fieldsOf, seedAreas } from './fixtures/world.js';

/** Reports per volunteer, team and community, leaderboards and evaluations, over NATS, from what the service recorded. */
describe('reports, leaderboards and evaluations', () => {
  let world: TestWorld;
  let people: Volunteer[];
  let team: string;
  const activities: string[] = [];
  const serve = async (v: Volunteer, minutes: number) => {
    const activity = await world.client.request(subjects.timebank.activity.post, {
      id: randomUUID(),
      title: 'Patrol with the grid worker',
      organizerKind: 'community',
      organizerId: v.homeCommunityCode,
      communityCode: v.homeCommunityCode,
      place: 'Streets',
      startsAt: '2026-12-14T01:00:00Z',
      endsAt: '2026-12-14T09:00:00Z',
      places: 1,
      actor,
    });
    activities.push(activity.id);
    const on = { activityId: activity.id, volunteerId: v.id, actor };
    await world.client.request(subjects.timebank.activity.signUp, on);
    await world.client.request(subjects.timebank.activity.checkIn, { ...on, at: '2026-12-14T01:00:00Z' });
    await world.client.request(subjects.timebank.activity.verifyHours, { id: randomUUID(), ...on, minutes });
    return activity.id;
  };

  beforeAll(async () => {
    world = await testWorld(['timebank']);
    await world.start(timebankService, 'timebank');
    await seedAreas(world);
    await world.client.request(subjects.timebank.earningRule.define, { id: randomUUID(), areaCode: 'C', kind: 'service-hour', points: 2, actor });
    const register = (name: string, homeCommunityCode: string) => world.client.request(subjects.timebank.volunteer.register, { id: randomUUID(), name, homeCommunityCode, actor });
    people = [await register('A', 'M1'), await register('B', 'M1'), await register('C', 'M2'), await register('D', 'M3')];
    team = (await world.client.request(subjects.timebank.team.define, { id: randomUUID(), name: 'Night patrol', communityCode: 'M1', actor })).id;
    for (const v of people.slice(0, 2)) await world.client.request(subjects.timebank.team.join, { teamId: team, volunteerId: v.id, actor });
    await serve(people[0]!, 120);
    await serve(people[0]!, 60);
    await serve(people[1]!, 240);
    await serve(people[2]!, 30);
    await serve(people[3]!, 600);
  }, 60_000);
  afterAll(() => world?.dispose());

  it('records evaluations by those served, once each, of services that took place', async () => {
    const [a] = people;
    const first = await world.client.request(subjects.timebank.evaluation.submit, { id: randomUUID(), volunteerId: a!.id, activityId: activities[0], score: 5, comment: 'kind and careful', actor: { id: 'resident-1' } });
    expect(first).toMatchObject({ score: 5, by: 'resident-1', activityId: activities[0] });
    await world.client.request(subjects.timebank.evaluation.submit, { id: randomUUID(), volunteerId: a!.id, activityId: activities[1], score: 4, actor: { id: 'resident-1' } });
    await world.client.request(subjects.timebank.evaluation.submit, { id: randomUUID(), volunteerId: a!.id, activityId: activities[0], score: 4, actor: { id: 'resident-2' } });
    const twice = await errorOf(world.client.request(subjects.timebank.evaluation.submit, { id: randomUUID(), volunteerId: a!.id, activityId: activities[0], score: 1, actor: { id: 'resident-1' } }));
    expect(twice?.code).toBe(ErrorCode.CONFLICT);
    expect((await errorOf(world.client.request(subjects.timebank.evaluation.submit, { id: randomUUID(), volunteerId: people[1]!.id, activityId: activities[0], score: 3, actor })))?.code).toBe(ErrorCode.NOT_FOUND);
    expect(fieldsOf(await errorOf(world.client.request(subjects.timebank.evaluation.submit, { id: randomUUID(), volunteerId: a!.id, score: 6, actor })))).toEqual(['score']);
    expect(fieldsOf(await errorOf(world.client.request(subjects.timebank.evaluation.submit, { id: randomUUID(), volunteerId: a!.id, score: 3, actor })))).toEqual(['activityId']);
  });

  it('reports minutes, points and scores per volunteer, team and community of an area in a period', async () => {
    const day = today();
    const byVolunteer = await world.client.request(subjects.timebank.report.hours, { areaCode: 'D1', from: day, to: day, by: 'volunteer' });
    expect(byVolunteer.rows.map((r) => [r.name, r.minutes, r.services, r.points, r.evaluations, r.averageScore])).toEqual([
      ['B', 240, 1, 8, 0, undefined],
      ['A', 180, 2, 6, 3, 4.33],
      ['C', 30, 1, 0, 0, undefined],
    ]);
    expect(byVolunteer.total).toEqual({ minutes: 450, services: 4, points: 14, evaluations: 3, averageScore: 4.33 });
    const byCommunity = await world.client.request(subjects.timebank.report.hours, { areaCode: 'C', from: day, to: day, by: 'community' });
    expect(byCommunity.rows.map((r) => [r.key, r.minutes])).toEqual([
      ['M3', 600],
      ['M1', 420],
      ['M2', 30],
    ]);
    const byTeam = await world.client.request(subjects.timebank.report.hours, { areaCode: 'C', from: day, to: day, by: 'team' });
    expect(byTeam.rows).toEqual([expect.objectContaining({ key: team, name: 'Night patrol', minutes: 420, points: 14 })]);
    const yesterday = new Date(Date.parse(`${day}T00:00:00+08:00`) - 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10);
    expect((await world.client.request(subjects.timebank.report.hours, { areaCode: 'C', from: yesterday, to: yesterday, by: 'volunteer' })).total.minutes).toBe(0);
    expect(fieldsOf(await errorOf(world.client.request(subjects.timebank.report.hours, { areaCode: 'C', from: day, to: yesterday, by: 'volunteer' })))).toEqual(['to']);
    expect((await errorOf(world.client.request(subjects.timebank.report.hours, { areaCode: 'NOWHERE', from: day, to: day, by: 'volunteer' })))?.code).toBe(ErrorCode.NOT_FOUND);
  });

  it('ranks an area’s volunteers by minutes or points', async () => {
    const minutes = await world.client.request(subjects.timebank.report.leaderboard, { areaCode: 'C', measure: 'minutes', limit: 3 });
    expect(minutes.entries.map((e) => [e.rank, e.name, e.value])).toEqual([
      [1, 'D', 600],
      [2, 'B', 240],
      [3, 'A', 180],
    ]);
    const points = await world.client.request(subjects.timebank.report.leaderboard, { areaCode: 'M1', measure: 'points', from: today(), to: today() });
    expect(points.entries.map((e) => [e.rank, e.name, e.value])).toEqual([
      [1, 'B', 8],
      [2, 'A', 6],
    ]);
  });
});
