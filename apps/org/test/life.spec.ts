import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, subjects, type Member, type Organization } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { orgService } from '../src/org.definition.js';
import { actor, counts, createOrganization, errorOf, fieldsOf, member, seedAreas } from './fixtures/world.js';

/** Organization life over NATS: meetings recorded, frequencies per type and kind, compliance per organization and area with the shortfalls. */
describe('organization life', () => {
  let world: TestWorld;
  let township: Organization;
  let m1: Organization;
  let m2: Organization;
  let group: Organization;
  let members: Member[];

  beforeAll(async () => {
    world = await testWorld(['org']);
    await world.start(orgService, 'org');
    await seedAreas(world);
    township = await createOrganization(world, { name: 'T1街道党工委', kind: 'committee', type: 'agency', areaCode: 'T1' });
    m1 = await createOrganization(world, { name: 'M1第一支部', kind: 'branch', areaCode: 'M1', parentId: township.id });
    m2 = await createOrganization(world, { name: 'M2第一支部', kind: 'branch', type: 'village', areaCode: 'M2', parentId: township.id });
    group = await createOrganization(world, { name: 'M1第一小组', kind: 'group', areaCode: 'M1', parentId: m1.id });
    members = [await world.client.request(subjects.org.member.register, member(m1.id)), await world.client.request(subjects.org.member.register, member(m1.id))];
    // Set up before the periods asked about (an organization set up later owes only the months since).
    await world.query('org', `UPDATE organization SET created_at = '2025-06-01T00:00:00+08:00'`);
  });
  afterAll(() => world?.dispose());

  const hold = (organizationId: string, kind: string, heldOn: string) =>
    world.client.request(subjects.org.life.record, { organizationId, kind: kind as never, heldOn, topic: `${kind} ${heldOn}`, attendeeIds: members.map((m) => m.id), actor });

  it('records meetings with their attendees, refusing strangers and bad input without storing anything', async () => {
    const meeting = await hold(m1.id, 'party-lesson', '2026-01-15');
    expect(meeting).toMatchObject({ organizationId: m1.id, kind: 'party-lesson', heldOn: '2026-01-15', attendeeIds: members.map((m) => m.id) });
    const before = await counts(world, 'meeting');
    const stranger = await errorOf(world.client.request(subjects.org.life.record, { organizationId: m1.id, kind: 'theme-day', heldOn: '2026-01-16', topic: 'x', attendeeIds: ['0190a000-0000-7000-8000-000000000001'], actor }));
    expect(stranger?.message).toMatch(/not current members/);
    expect(fieldsOf(await errorOf(world.client.request(subjects.org.life.record, { organizationId: m1.id, kind: 'party' as never, heldOn: '2026-02-30', topic: '', attendeeIds: 'all' as never, actor })))).toEqual(['attendeeIds', 'heldOn', 'kind', 'topic']);
    expect(await counts(world, 'meeting')).toEqual(before);
  });

  it('reports compliance for a quarter per organization and area, with who fell short by how much', async () => {
    // M1's branch holds everything the quarter needs: an assembly, a lesson (above), three committee meetings and three theme days.
    await hold(m1.id, 'member-assembly', '2026-02-10');
    for (const month of ['01', '02', '03']) {
      await hold(m1.id, 'committee-meeting', `2026-${month}-05`);
      await hold(m1.id, 'theme-day', `2026-${month}-20`);
      await hold(group.id, 'group-meeting', `2026-${month}-08`);
    }
    // M2's branch holds one committee meeting only.
    await hold(m2.id, 'committee-meeting', '2026-03-05');
    // Heart-to-heart talks are yearly: a quarter asks for one (pro rata, rounded up); M1 holds it.
    await hold(m1.id, 'heart-talk', '2026-03-28');
    const report = await world.client.request(subjects.org.life.compliance, { organizationId: township.id, fromMonth: '2026-01', toMonth: '2026-03' });
    expect(report).toMatchObject({ organizations: 3, compliant: 2 });
    expect(report.byArea).toEqual([
      { areaCode: 'M1', organizations: 2, compliant: 2 },
      { areaCode: 'M2', organizations: 1, compliant: 0 },
    ]);
    expect(report.shortfalls.map((s) => [s.name, s.meetingKind, s.required, s.held, s.short])).toEqual([
      ['M2第一支部', 'committee-meeting', 3, 1, 2],
      ['M2第一支部', 'heart-talk', 1, 0, 1],
      ['M2第一支部', 'member-assembly', 1, 0, 1],
      ['M2第一支部', 'party-lesson', 1, 0, 1],
      ['M2第一支部', 'theme-day', 3, 0, 3],
    ]);
    // Set up in February, M2's branch owes February and March only; not yet set up, it owes nothing.
    await world.query('org', `UPDATE organization SET created_at = '2026-02-10T09:00:00+08:00' WHERE id = $1`, [m2.id]);
    const since = await world.client.request(subjects.org.life.compliance, { organizationId: m2.id, fromMonth: '2026-01', toMonth: '2026-03' });
    expect(since.shortfalls.filter((s) => s.meetingKind === 'committee-meeting' || s.meetingKind === 'theme-day').map((s) => [s.meetingKind, s.required])).toEqual([
      ['committee-meeting', 2],
      ['theme-day', 2],
    ]);
    expect(await world.client.request(subjects.org.life.compliance, { organizationId: m2.id, fromMonth: '2026-01', toMonth: '2026-01' })).toMatchObject({ organizations: 0, shortfalls: [] });
    await world.query('org', `UPDATE organization SET created_at = '2025-06-01T00:00:00+08:00' WHERE id = $1`, [m2.id]);
    const byArea = await world.client.request(subjects.org.life.compliance, { areaCode: 'M2', fromMonth: '2026-03', toMonth: '2026-03' });
    expect(byArea).toMatchObject({ organizations: 1, compliant: 0 });
    expect(fieldsOf(await errorOf(world.client.request(subjects.org.life.compliance, { fromMonth: '2026-03', toMonth: '2026-01' })))).toEqual(['areaCode', 'organizationId', 'toMonth']);
  });

  it('takes frequencies configured per organization type and kind', async () => {
    expect((await errorOf(world.client.request(subjects.org.life.setRequirement, { organizationType: 'village', organizationKind: 'branch', meetingKind: 'theme-day', times: 0, per: 'month', actor: { id: 'x', areas: ['D1'] } })))?.code).toBe(
      ErrorCode.FORBIDDEN,
    );
    await world.client.request(subjects.org.life.setRequirement, { organizationType: 'village', organizationKind: 'branch', meetingKind: 'theme-day', times: 0, per: 'month', actor });
    const villages = await world.client.request(subjects.org.life.setRequirement, { organizationType: 'village', organizationKind: 'branch', meetingKind: 'committee-meeting', times: 1, per: 'quarter', actor });
    expect(villages.items.filter((r) => r.organizationKind === 'branch').map((r) => [r.meetingKind, r.times, r.per])).toEqual([
      ['committee-meeting', 1, 'quarter'],
      ['heart-talk', 1, 'year'],
      ['member-assembly', 1, 'quarter'],
      ['party-lesson', 1, 'quarter'],
    ]);
    const report = await world.client.request(subjects.org.life.compliance, { organizationId: m2.id, fromMonth: '2026-01', toMonth: '2026-03' });
    expect(report.shortfalls.map((s) => s.meetingKind)).toEqual(['heart-talk', 'member-assembly', 'party-lesson']);
  });
});
