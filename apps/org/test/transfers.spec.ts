import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { today } from '@gridwork/local-time';
import { ErrorCode, subjects, type Member, type Organization } from '@gridwork/contracts';
import { waitFor } from '@gridwork/testing';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { orgService } from '../src/org.definition.js';
import { actor, counts, createOrganization, errorOf, fieldsOf, member, outboxOf, seedAreas } from './fixtures/world.js';

/** Relationship transfers over NATS: asked, accepted or refused by the receiving side, timed out, across districts, with history and approvals. */
describe('relationship transfers', () => {
  let world: TestWorld;
  let d1Branch: Organization;
  let d1Other: Organization;
  let d2Branch: Organization;
  let d2Group: Organization;
  let zhang: Member;
  const d1Clerk = { id: 'd1-clerk', name: 'D1 组织部', areas: ['D1'] };
  const d2Clerk = { id: 'd2-clerk', name: 'D2 组织部', areas: ['D2'] };

  beforeAll(async () => {
    process.env.ORG_TRANSFER_TIMER_POLL_MS = '100';
    world = await testWorld(['org']);
    await world.start(orgService, 'org');
    await seedAreas(world);
    const d1 = await createOrganization(world, { name: 'D1区委', kind: 'committee', type: 'agency', areaCode: 'D1' });
    const d2 = await createOrganization(world, { name: 'D2区委', kind: 'committee', type: 'agency', areaCode: 'D2' });
    d1Branch = await createOrganization(world, { name: 'M1第一支部', kind: 'branch', areaCode: 'M1', parentId: d1.id });
    d1Other = await createOrganization(world, { name: 'M2第一支部', kind: 'branch', areaCode: 'M2', parentId: d1.id });
    d2Branch = await createOrganization(world, { name: 'M3第一支部', kind: 'branch', areaCode: 'M3', parentId: d2.id });
    d2Group = await createOrganization(world, { name: 'M3第一小组', kind: 'group', areaCode: 'M3', parentId: d2Branch.id });
    zhang = await world.client.request(subjects.org.member.register, member(d1Branch.id, { name: '张三' }));
  });
  afterAll(async () => {
    delete process.env.ORG_TRANSFER_TIMER_POLL_MS;
    await world?.dispose();
  });

  it('moves a member across districts when the receiving side accepts, with the history and the decision', async () => {
    const asked = await world.client.request(subjects.org.transfer.request, { memberId: zhang.id, toOrganizationId: d2Branch.id, reason: '工作调动', actor: d1Clerk });
    expect(asked).toMatchObject({ state: 'requested', crossDistrict: true, fromOrganizationId: d1Branch.id, toOrganizationId: d2Branch.id, requestedBy: 'd1-clerk' });
    // Only the receiving side answers.
    const notTheirs = await errorOf(world.client.request(subjects.org.transfer.accept, { id: asked.id, actor: d1Clerk }));
    expect(notTheirs?.code).toBe(ErrorCode.FORBIDDEN);
    expect(notTheirs?.message).toMatch(/the receiving organization M3第一支部 lies outside D1/);
    const accepted = await world.client.request(subjects.org.transfer.accept, { id: asked.id, reason: '同意接收', actor: d2Clerk });
    expect(accepted.state).toBe('accepted');
    expect((await world.client.request(subjects.org.member.get, { id: zhang.id })).organizationId).toBe(d2Branch.id);
    expect((await errorOf(world.client.request(subjects.org.transfer.refuse, { id: asked.id, reason: 'late', actor: d2Clerk })))?.message).toMatch(/was accepted/);
    const [moved] = (await outboxOf(world, subjects.org.member.transferred.subject)).slice(-1);
    expect(moved!.payload).toMatchObject({ fromOrganizationId: d1Branch.id, toOrganizationId: d2Branch.id, transferId: asked.id, member: { id: zhang.id } });
    const approvals = await world.client.request(subjects.org.approval.list, { subjectId: asked.id, workflow: 'transfer' });
    expect(approvals.items.map((a) => [a.step, a.decision, a.reason, a.actorId, a.actorName])).toEqual([['receiving-organization', 'pass', '同意接收', 'd2-clerk', 'D2 组织部']]);
    expect(await world.client.request(subjects.org.organization.subtree, { id: d2Branch.id })).toMatchObject({ fullMembers: 1 });
    expect(await world.client.request(subjects.org.organization.subtree, { id: d1Branch.id })).toMatchObject({ fullMembers: 0 });
  });

  it('keeps the member where they are when refused, and times out a transfer nobody answers', async () => {
    const asked = await world.client.request(subjects.org.transfer.request, { memberId: zhang.id, toOrganizationId: d1Other.id, reason: '搬家', actor: d2Clerk });
    expect(asked.crossDistrict).toBe(true);
    expect(fieldsOf(await errorOf(world.client.request(subjects.org.transfer.refuse, { id: asked.id, reason: '', actor: d1Clerk })))).toEqual(['reason']);
    const refused = await world.client.request(subjects.org.transfer.refuse, { id: asked.id, reason: '材料不全', actor: d1Clerk });
    expect(refused.state).toBe('refused');
    expect((await world.client.request(subjects.org.member.get, { id: zhang.id })).organizationId).toBe(d2Branch.id);
    expect((await world.client.request(subjects.org.approval.list, { subjectId: asked.id })).items.map((a) => [a.decision, a.reason])).toEqual([['refuse', '材料不全']]);

    const unanswered = await world.client.request(subjects.org.transfer.request, { memberId: zhang.id, toOrganizationId: d1Branch.id, reason: '回原单位', respondWithinDays: 1, actor });
    // The answer date passes.
    await world.query('org', `UPDATE transfer SET due_at = now() - interval '1 second' WHERE id = $1`, [unanswered.id]);
    await waitFor('the timeout', async () => (await world.client.request(subjects.org.transfer.get, { id: unanswered.id })).state === 'timed-out');
    expect((await errorOf(world.client.request(subjects.org.transfer.accept, { id: unanswered.id, actor })))?.message).toMatch(/was timed-out/);
    expect((await world.client.request(subjects.org.member.get, { id: zhang.id })).organizationId).toBe(d2Branch.id);
    const settled = await outboxOf(world, subjects.org.transfer.settled.subject);
    expect(settled.map((e) => (e.payload.transfer as { state: string }).state)).toEqual(['accepted', 'refused', 'timed-out']);

    const history = await world.client.request(subjects.org.transfer.history, { memberId: zhang.id });
    expect(history.items.map((t) => [t.state, t.reason])).toEqual([
      ['accepted', '工作调动'],
      ['refused', '搬家'],
      ['timed-out', '回原单位'],
    ]);
    expect((await errorOf(world.client.request(subjects.org.transfer.history, { memberId: zhang.id, viewer: { id: 'v', areas: ['D1'] } })))?.code).toBe(ErrorCode.FORBIDDEN);
  });

  it('refuses a transfer to the member\'s own organization, of a member who has left, or a second one while one waits, saying why', async () => {
    const before = await counts(world, 'transfer', 'outbox');
    const own = await errorOf(world.client.request(subjects.org.transfer.request, { memberId: zhang.id, toOrganizationId: d2Branch.id, reason: 'x', actor }));
    expect(own?.code).toBe(ErrorCode.CONFLICT);
    expect(own?.message).toMatch(/already belongs to that organization/);
    const toGroup = await errorOf(world.client.request(subjects.org.transfer.request, { memberId: zhang.id, toOrganizationId: d2Group.id, reason: 'x', actor }));
    expect(toGroup?.message).toMatch(/is a group/);
    const gone = await world.client.request(subjects.org.member.register, member(d1Branch.id, { name: '李四' }));
    await world.client.request(subjects.org.member.leave, { id: gone.id, reason: 'withdrew', on: today(), actor });
    const left = await errorOf(world.client.request(subjects.org.transfer.request, { memberId: gone.id, toOrganizationId: d2Branch.id, reason: 'x', actor }));
    expect(left?.code).toBe(ErrorCode.CONFLICT);
    expect(left?.message).toMatch(/has left \(withdrew, .*\): there is no relationship to transfer/);
    const outside = await errorOf(world.client.request(subjects.org.transfer.request, { memberId: zhang.id, toOrganizationId: d1Branch.id, reason: 'x', actor: d1Clerk }));
    expect(outside?.code).toBe(ErrorCode.FORBIDDEN);
    const bad = await errorOf(world.client.request(subjects.org.transfer.request, { memberId: 'who', toOrganizationId: d1Branch.id, reason: '', respondWithinDays: 0, actor }));
    expect(fieldsOf(bad)).toEqual(['memberId', 'reason', 'respondWithinDays']);
    expect(await counts(world, 'transfer', 'outbox')).toEqual({ ...before, outbox: before.outbox + 2 });

    await world.client.request(subjects.org.transfer.request, { memberId: zhang.id, toOrganizationId: d1Branch.id, reason: 'one', actor });
    expect((await errorOf(world.client.request(subjects.org.transfer.request, { memberId: zhang.id, toOrganizationId: d1Other.id, reason: 'two', actor })))?.message).toMatch(/has a transfer waiting for an answer/);
  });
});
