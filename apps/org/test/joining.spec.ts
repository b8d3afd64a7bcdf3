import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { today } from '@gridwork/local-time';
import { ErrorCode, subjects, type Member, type Organization } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { orgService } from '../src/org.definition.js';
import { actor, day, counts, createOrganization, errorOf, fieldsOf, member, seedAreas } from './fixtures/world.js';

/** Joining the party over NATS: application, activist, candidate with sponsors, plan, training, admission; the rules' intervals; what is due. */
describe('joining the party', () => {
  let world: TestWorld;
  let committee: Organization;
  let branch: Organization;
  let sponsors: Member[];

  beforeAll(async () => {
    world = await testWorld(['org']);
    await world.start(orgService, 'org');
    await seedAreas(world);
    committee = await createOrganization(world, { name: 'M1社区党委', kind: 'committee', areaCode: 'M1' });
    branch = await createOrganization(world, { name: '第一党支部', kind: 'branch', areaCode: 'M1', parentId: committee.id });
    sponsors = [await world.client.request(subjects.org.member.register, member(branch.id)), await world.client.request(subjects.org.member.register, member(branch.id))];
  });
  afterAll(() => world?.dispose());

  const step = (id: string, to: 'activist' | 'candidate' | 'planned' | 'admitted', on: string, extra: Record<string, unknown> = {}) =>
    world.client.request(subjects.org.joining.advance, { id, to, decision: 'pass', on, reason: '支部委员会研究同意', actor, ...extra });

  it('takes an applicant through every stage to a probationary member, each decision recorded', async () => {
    const applied = await world.client.request(subjects.org.joining.apply, { name: '陈小青', idNumber: '440106200001011221', organizationId: branch.id, appliedOn: day(-800), actor });
    expect(applied).toMatchObject({ stage: 'applicant', appliedOn: day(-800), idNumber: '440106********1221' });
    await step(applied.id, 'activist', day(-770));
    // A year as activist comes first.
    const early = await errorOf(step(applied.id, 'candidate', day(-500), { sponsorIds: sponsors.map((s) => s.id) }));
    expect(early?.code).toBe(ErrorCode.CONFLICT);
    expect(early?.message).toMatch(/a year of training comes first/);
    expect(fieldsOf(await errorOf(step(applied.id, 'candidate', day(-300))))).toEqual(['sponsorIds']);
    const candidate = await step(applied.id, 'candidate', day(-300), { sponsorIds: sponsors.map((s) => s.id) });
    expect(candidate).toMatchObject({ stage: 'candidate', sponsorIds: sponsors.map((s) => s.id) });
    await step(applied.id, 'planned', day(-200));
    await world.client.request(subjects.org.joining.train, { id: applied.id, on: day(-190), minutes: 480, topic: '党章学习', actor });
    const short = await errorOf(step(applied.id, 'admitted', day(-100)));
    expect(short?.message).toMatch(/480 minutes of training since becoming a candidate; admission needs 1440/);
    for (const topic of ['党史', '党的纪律']) await world.client.request(subjects.org.joining.train, { id: applied.id, on: day(-180), minutes: 480, topic, actor });
    // Admission: the branch assembly resolves, then a committee above approves.
    const approve = (on: string, extra: Record<string, unknown> = {}) => step(applied.id, 'admitted', on, { by: 'higher-committee', committeeId: committee.id, memberNumber: 'GZ-NEW-1', ...extra });
    expect((await errorOf(approve(day(-95))))?.message).toMatch(/has not resolved to admit 陈小青/);
    const resolved = await step(applied.id, 'admitted', day(-100));
    expect(resolved).toMatchObject({ stage: 'planned', admissionResolvedOn: day(-100) });
    expect((await errorOf(step(applied.id, 'admitted', day(-99))))?.message).toMatch(/the higher committee's approval is awaited/);
    expect((await errorOf(approve(day(-95), { committeeId: branch.id })))?.message).toMatch(/第一党支部 is not a committee above 第一党支部/);
    expect((await errorOf(approve(day(-95), { actor: { id: 'd2', areas: ['D2'] } })))?.code).toBe(ErrorCode.FORBIDDEN);
    expect(fieldsOf(await errorOf(approve(day(-101))))).toEqual(['on']);
    const admitted = await approve(day(-90));
    // Probation runs from the branch assembly's resolution.
    expect(admitted).toMatchObject({ stage: 'admitted', admittedOn: day(-100), candidateTrainingMinutes: 1440 });
    expect(admitted.training.map((t) => t.topic)).toEqual(['党章学习', '党史', '党的纪律']);
    const newMember = await world.client.request(subjects.org.member.get, { id: admitted.memberId!, viewer: { id: 'clerk', personalData: true } });
    expect(newMember).toMatchObject({ number: 'GZ-NEW-1', name: '陈小青', status: 'probationary', joinedOn: day(-100), idNumber: '440106200001011221', organizationId: branch.id });
    const decisions = await world.client.request(subjects.org.approval.list, { subjectId: applied.id, workflow: 'joining' });
    expect(decisions.items.map((d) => d.step)).toEqual(['activist', 'candidate', 'planned', 'admission-resolution', 'admission-approval']);
    expect((await errorOf(step(applied.id, 'admitted', today(), { memberNumber: 'X' })))?.message).toMatch(/at stage admitted: there is no next step/);
  });

  it('refuses an under-age applicant, a second open application, and a step out of order; a refusal stops the pipeline', async () => {
    const before = await counts(world, 'applicant', 'approval');
    expect(fieldsOf(await errorOf(world.client.request(subjects.org.joining.apply, { name: '少年', idNumber: `440106${Number(today().slice(0, 4)) - 16}0101123X`, organizationId: branch.id, appliedOn: today(), actor })))).toEqual(['idNumber']);
    expect(fieldsOf(await errorOf(world.client.request(subjects.org.joining.apply, { name: '', idNumber: 'x', organizationId: 'y', appliedOn: 'soon', actor })))).toEqual(['appliedOn', 'idNumber', 'name', 'organizationId']);
    expect(await counts(world, 'applicant', 'approval')).toEqual(before);
    const a = await world.client.request(subjects.org.joining.apply, { name: '刘一', idNumber: '440106199501011234', organizationId: branch.id, appliedOn: day(-10), actor });
    expect((await errorOf(world.client.request(subjects.org.joining.apply, { name: '刘一', idNumber: '440106199501011234', organizationId: branch.id, appliedOn: today(), actor })))?.message).toMatch(/has an open application/);
    expect((await errorOf(step(a.id, 'planned', today())))?.message).toMatch(/at stage applicant: the next step is activist, not planned/);
    expect(fieldsOf(await errorOf(step(a.id, 'activist', day(-20))))).toEqual(['on']);
    expect(fieldsOf(await errorOf(step(a.id, 'activist', today(), { by: 'higher-committee', committeeId: committee.id })))).toEqual(['by']);
    const returned = await world.client.request(subjects.org.joining.advance, { id: a.id, to: 'activist', decision: 'return', on: today(), reason: '再考察', actor });
    expect(returned.stage).toBe('applicant');
    // An organization with an open application is not dissolved.
    const lone = await createOrganization(world, { name: '临时党支部', kind: 'branch', areaCode: 'M1', parentId: committee.id });
    const pending = await world.client.request(subjects.org.joining.apply, { name: '孙五', idNumber: '440106199801011234', organizationId: lone.id, appliedOn: today(), actor });
    expect((await errorOf(world.client.request(subjects.org.organization.dissolve, { id: lone.id, reason: 'x', actor })))?.message).toMatch(/1 open application\(s\) to join/);
    // Merged into another branch, its open application goes with it.
    expect(await world.client.request(subjects.org.organization.merge, { id: lone.id, intoId: branch.id, reason: '合并', actor })).toMatchObject({ applicantsMoved: 1, membersMoved: 0 });
    expect((await world.client.request(subjects.org.joining.get, { id: pending.id })).organizationId).toBe(branch.id);
    await world.client.request(subjects.org.joining.advance, { id: pending.id, to: 'activist', decision: 'refuse', on: today(), reason: '不符合条件', actor });
    const stopped = await world.client.request(subjects.org.joining.advance, { id: a.id, to: 'activist', decision: 'refuse', on: today(), reason: '不符合条件', actor });
    expect(stopped).toMatchObject({ stage: 'stopped', stoppedOn: today() });
    expect((await world.client.request(subjects.org.approval.list, { subjectId: a.id })).items.map((d) => d.decision)).toEqual(['return', 'refuse']);
  });

  it('lists what is due next per organization, with the first day the rules allow', async () => {
    const b = await world.client.request(subjects.org.joining.apply, { name: '周二', idNumber: '440106199601011234', organizationId: branch.id, appliedOn: day(-60), actor });
    await step(b.id, 'activist', day(-30));
    const c = await world.client.request(subjects.org.joining.apply, { name: '吴三', idNumber: '440106199701011234', organizationId: branch.id, appliedOn: day(-5), actor });
    const due = await world.client.request(subjects.org.joining.due, { organizationId: committee.id });
    const byName = Object.fromEntries(due.items.map((i) => [i.name, i]));
    expect(byName['吴三']).toMatchObject({ kind: 'applicant', id: c.id, next: 'activist', from: day(-5), state: 'due' });
    expect(byName['周二']).toMatchObject({ next: 'candidate', state: 'waiting' });
    expect(byName['周二']!.waitingFor).toMatch(/not before/);
    expect(byName['陈小青']).toMatchObject({ kind: 'member', next: 'conversion', state: 'waiting' });
    await world.query('org', `UPDATE member SET conversion_due_on = $2 WHERE id = $1`, [byName['陈小青']!.id, day(-1)]);
    await world.client.request(subjects.org.member.convert, { id: byName['陈小青']!.id, decision: 'pass', on: today(), reason: '支部大会通过', actor });
    const awaiting = (await world.client.request(subjects.org.joining.due, { organizationId: committee.id })).items.find((i) => i.name === '陈小青');
    expect(awaiting).toMatchObject({ next: 'conversion-approval', from: today(), state: 'due' });
    expect((await errorOf(world.client.request(subjects.org.joining.due, { organizationId: committee.id, viewer: { id: 'v', areas: ['D2'] } })))?.code).toBe(ErrorCode.FORBIDDEN);
  });
});
