import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjects } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { waitFor } from '@gridwork/testing';
import { gridService } from '@gridwork/grid-service/definition';
import { smallCity } from '@gridwork/grid-service/test-fixtures';
import { orgService } from '@gridwork/org-service/definition';
import { timebankService } from '@gridwork/timebank-service/definition';

const office = { id: 'office-1', name: 'Organization department' };

/**
 * Report in twice (双报到) across the two services, both running: a party
 * member who reported in to the community where they live serves there as a
 * volunteer; the timebank verifies the hours, and the org service's service
 * record (seen by the community and by the member's own branch) grows by them,
 * once, from timebank's hours.verified event.
 */
describe('report in twice: timebank-verified hours reach the member’s service record', () => {
  let world: TestWorld;
  let branchId: string;

  beforeAll(async () => {
    world = await testWorld(['grid', 'org', 'timebank']);
    await world.start(orgService, 'org');
    await world.start(timebankService, 'timebank');
    await world.start(gridService, 'grid');
    await world.client.request(subjects.grid.area.import, { featureCollection: smallCity() });
    for (const db of ['org', 'timebank']) {
      await waitFor(`areas in ${db}`, async () => {
        const [row] = await world.query<{ n: number }>(db, `SELECT count(*)::int AS n FROM known_area WHERE code = 'T010101'`);
        return row!.n === 1 || undefined;
      });
    }
    const create = (request: object) => world.client.request(subjects.org.organization.create, { setup: 'standalone', actor: office, ...request } as never);
    const city = await create({ name: '市委', kind: 'committee', type: 'agency', areaCode: 'T0' });
    branchId = (await create({ name: '区税务局党支部', kind: 'branch', type: 'agency', areaCode: 'T01', parentId: city.id })).id;
  });
  afterAll(() => world?.dispose());

  it('adds the verified minutes to the record of the member who reported in, once', async () => {
    const member = await world.client.request(subjects.org.member.register, {
      number: 'M900001', name: '陈静', idNumber: '44010619850101123X', organizationId: branchId, status: 'full', joinedOn: '2010-07-01', convertedOn: '2011-07-01', actor: office,
    });
    const volunteerId = randomUUID();
    await world.client.request(subjects.org.reportIn.register, { memberId: member.id, communityCode: 'T010101', volunteerId, on: '2026-03-01', actor: office });
    await world.client.request(subjects.timebank.volunteer.register, { id: volunteerId, name: '陈静', homeCommunityCode: 'T010101', partyMemberId: member.id, actor: office });

    const start = Date.now() - 4 * 3600_000;
    const activity = await world.client.request(subjects.timebank.activity.post, {
      id: randomUUID(), title: '社区环境整治', organizerKind: 'community', organizerId: 'T010101', communityCode: 'T010101', place: 'Square',
      startsAt: new Date(start).toISOString(), endsAt: new Date(start + 3 * 3600_000).toISOString(), places: 10, actor: office,
    });
    const on = { activityId: activity.id, volunteerId, actor: office };
    await world.client.request(subjects.timebank.activity.signUp, on);
    await world.client.request(subjects.timebank.activity.checkIn, { ...on, at: new Date(start).toISOString() });
    await world.client.request(subjects.timebank.activity.checkOut, { ...on, at: new Date(start + 150 * 60_000).toISOString() });
    const verification = { id: randomUUID(), ...on };
    expect((await world.client.request(subjects.timebank.activity.verifyHours, verification)).minutes).toBe(150);
    // Sent again, the verification answers its first result and deposits nothing more.
    await world.client.request(subjects.timebank.activity.verifyHours, verification);

    const community = await waitFor('the service record in org', async () => {
      const list = await world.client.request(subjects.org.reportIn.community, { communityCode: 'T010101' });
      return list.serviceMinutes > 0 ? list : undefined;
    });
    expect(community.serviceMinutes).toBe(150);
    expect(community.items.map((r) => r.memberId)).toEqual([member.id]);
    // The member's own branch sees the same hours.
    expect((await world.client.request(subjects.org.reportIn.branch, { organizationId: branchId })).serviceMinutes).toBe(150);
    // One entry, however often the event came.
    const [row] = await world.query<{ n: number }>('org', `SELECT count(*)::int AS n FROM service_entry`);
    expect(row!.n).toBe(1);
  });
});
