import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { today } from '@gridwork/local-time';
import { ErrorCode, subjects, type Member, type Organization } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { orgService } from '../src/org.definition.js';
import { actor, day, createOrganization, errorOf, fieldsOf, member, seedAreas } from './fixtures/world.js';

/** Leaders with terms, the yearly grading in stars and the rolled rectification list, over NATS. */
describe('leaders and grading', () => {
  let world: TestWorld;
  let committee: Organization;
  let branchA: Organization;
  let branchB: Organization;
  let a: Member[];

  beforeAll(async () => {
    world = await testWorld(['org']);
    await world.start(orgService, 'org');
    await seedAreas(world);
    committee = await createOrganization(world, { name: 'M1社区党委', kind: 'committee', areaCode: 'M1' });
    branchA = await createOrganization(world, { name: '第一党支部', kind: 'branch', areaCode: 'M1', parentId: committee.id });
    branchB = await createOrganization(world, { name: '第二党支部', kind: 'branch', areaCode: 'M1', parentId: committee.id });
    a = [];
    for (const name of ['书记甲', '委员乙', '党员丙']) a.push(await world.client.request(subjects.org.member.register, member(branchA.id, { name })));
  });
  afterAll(() => world?.dispose());

  it('appoints leaders for terms, one secretary at a time, and reports terms ending and organizations without a secretary', async () => {
    const secretary = await world.client.request(subjects.org.leader.appoint, { organizationId: branchA.id, memberId: a[0]!.id, role: 'secretary', fromOn: day(-1000), termEndsOn: day(30), actor });
    expect(secretary).toMatchObject({ memberName: '书记甲', role: 'secretary', termEndsOn: day(30) });
    await world.client.request(subjects.org.leader.appoint, { organizationId: branchA.id, memberId: a[1]!.id, role: 'committee-member', fromOn: day(-1000), termEndsOn: day(400), actor });
    const second = await errorOf(world.client.request(subjects.org.leader.appoint, { organizationId: branchA.id, memberId: a[2]!.id, role: 'secretary', fromOn: today(), termEndsOn: day(1000), actor }));
    expect(second?.message).toMatch(/has a secretary, 书记甲: end that appointment first/);
    expect((await errorOf(world.client.request(subjects.org.leader.appoint, { organizationId: branchB.id, memberId: a[2]!.id, role: 'secretary', fromOn: today(), termEndsOn: day(1000), actor })))?.message).toMatch(/is not a member of 第二党支部/);
    expect(fieldsOf(await errorOf(world.client.request(subjects.org.leader.appoint, { organizationId: branchA.id, memberId: a[2]!.id, role: 'secretary', fromOn: today(), termEndsOn: today(), actor })))).toEqual(['termEndsOn']);
    // The committee's secretary may come from a branch below it.
    await world.client.request(subjects.org.leader.appoint, { organizationId: committee.id, memberId: a[2]!.id, role: 'secretary', fromOn: day(-10), termEndsOn: day(1800), actor });

    const report = await world.client.request(subjects.org.leader.report, { organizationId: committee.id, withinDays: 60 });
    expect(report.termsEnding.map((t) => [t.memberName, t.role])).toEqual([['书记甲', 'secretary']]);
    expect(report.withoutSecretary.map((o) => o.name)).toEqual(['第二党支部']);
    await world.client.request(subjects.org.leader.end, { id: secretary.id, on: today(), reason: '换届', actor });
    expect((await world.client.request(subjects.org.leader.list, { organizationId: branchA.id })).items.map((l) => l.memberName)).toEqual(['委员乙']);
    expect((await world.client.request(subjects.org.leader.report, { organizationId: committee.id })).withoutSecretary.map((o) => o.name).sort()).toEqual(['第一党支部', '第二党支部']);
  });

  it('grades organizations in stars each year and keeps the rolled list of weak and lax ones with their measures', async () => {
    await world.client.request(subjects.org.grading.grade, { organizationId: branchA.id, year: 2025, stars: 5, note: '五星支部', actor });
    await world.client.request(subjects.org.grading.grade, { organizationId: branchB.id, year: 2025, stars: 2, actor });
    await world.client.request(subjects.org.grading.grade, { organizationId: branchB.id, year: 2025, stars: 1, actor });
    const graded = await world.client.request(subjects.org.grading.list, { organizationId: committee.id, year: 2025 });
    expect(graded.items.map((g) => [g.name, g.stars])).toEqual([['第一党支部', 5], ['第二党支部', 1]]);
    expect(graded.byStars).toEqual([{ stars: 5, count: 1 }, { stars: 4, count: 0 }, { stars: 3, count: 0 }, { stars: 2, count: 0 }, { stars: 1, count: 1 }]);
    expect(graded.ungraded).toBe(1);
    expect(fieldsOf(await errorOf(world.client.request(subjects.org.grading.grade, { organizationId: branchB.id, year: 2025, stars: 6, actor })))).toEqual(['stars']);

    const listed = await world.client.request(subjects.org.rectification.list, { organizationId: branchB.id, year: 2024, reasons: ['班子不团结'], measures: ['选派第一书记', '调整班子'], actor });
    expect((await errorOf(world.client.request(subjects.org.rectification.list, { organizationId: branchB.id, year: 2025, reasons: ['x'], measures: ['y'], actor })))?.code).toBe(ErrorCode.CONFLICT);
    // Not lifted in 2024: it rolls into 2025's list.
    expect((await world.client.request(subjects.org.rectification.year, { organizationId: committee.id, year: 2025 })).items.map((r) => [r.name, r.year])).toEqual([['第二党支部', 2024]]);
    const lifted = await world.client.request(subjects.org.rectification.lift, { id: listed.id, on: '2025-06-30', note: '整顿验收合格', actor });
    expect(lifted).toMatchObject({ liftedOn: '2025-06-30', measures: ['选派第一书记', '调整班子'] });
    expect((await world.client.request(subjects.org.rectification.year, { organizationId: committee.id, year: 2025 })).items).toHaveLength(1);
    expect((await world.client.request(subjects.org.rectification.year, { organizationId: committee.id, year: 2026 })).items).toEqual([]);
    expect((await errorOf(world.client.request(subjects.org.rectification.lift, { id: listed.id, on: today(), note: 'again', actor })))?.message).toMatch(/was lifted on 2025-06-30/);
  });
});
