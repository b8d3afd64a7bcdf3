import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { today } from '@gridwork/local-time';
import { ErrorCode, Headers, schemaHeader, subjects, type HoursVerified, type Member, type Organization } from '@gridwork/contracts';
import { ensureServiceStreams } from '@gridwork/messaging';
import { waitFor } from '@gridwork/testing';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { orgService } from '../src/org.definition.js';
import { actor, counts, createOrganization, errorOf, member, outboxOf, seedAreas } from './fixtures/world.js';

/**
 * Report in twice (双报到) over NATS: an agency's member registers with the
 * community where they lives; the hours timebank verifies for them (its
 * events on its stream, published here by the test) build the service
 * record both the community and the employer's branch see, each entry once.
 */
describe('report in twice', () => {
  let world: TestWorld;
  let agencyBranch: Organization;
  let wang: Member;
  let li: Member;
  const verified = async (hours: HoursVerified) => {
    const h = natsHeaders();
    h.set(Headers.schema, schemaHeader(subjects.timebank.hours.verified));
    await jetstream(world.nc).publish(subjects.timebank.hours.verified.subject, JSON.stringify(hours), { headers: h, msgID: hours.entryId });
  };

  beforeAll(async () => {
    world = await testWorld(['org']);
    await ensureServiceStreams(await jetstreamManager(world.nc), 'timebank', 1);
    await world.start(orgService, 'org');
    await seedAreas(world);
    const agency = await createOrganization(world, { name: 'D1区政府机关党委', kind: 'committee', type: 'agency', areaCode: 'D1' });
    agencyBranch = await createOrganization(world, { name: '区民政局党支部', kind: 'branch', type: 'agency', areaCode: 'D1', parentId: agency.id });
    wang = await world.client.request(subjects.org.member.register, member(agencyBranch.id, { name: '王在职' }));
    li = await world.client.request(subjects.org.member.register, member(agencyBranch.id, { name: '李在职' }));
  });
  afterAll(() => world?.dispose());

  it('registers members with their communities, which see who reported in', async () => {
    const registered = await world.client.request(subjects.org.reportIn.register, { memberId: wang.id, communityCode: 'M1', volunteerId: 'vol-wang', on: today(), actor });
    expect(registered).toMatchObject({ memberName: '王在职', organizationId: agencyBranch.id, communityCode: 'M1', serviceMinutes: 0 });
    await world.client.request(subjects.org.reportIn.register, { memberId: li.id, communityCode: 'M3', volunteerId: 'vol-li', on: today(), actor });
    expect((await world.client.request(subjects.org.reportIn.community, { communityCode: 'M1' })).items.map((r) => r.memberName)).toEqual(['王在职']);
    const [event] = await outboxOf(world, subjects.org.reportIn.registered.subject);
    expect(event!.payload).toMatchObject({ reportIn: { memberId: wang.id, communityCode: 'M1' } });

    const before = await counts(world, 'report_in', 'outbox');
    expect((await errorOf(world.client.request(subjects.org.reportIn.register, { memberId: wang.id, communityCode: 'M2', volunteerId: 'vol-wang-2', on: today(), actor })))?.message).toMatch(/has reported in to M1 already/);
    expect((await errorOf(world.client.request(subjects.org.reportIn.register, { memberId: wang.id, communityCode: 'T1', volunteerId: 'x', on: today(), actor })))?.message).toMatch(/T1 is a township/);
    const gone = await world.client.request(subjects.org.member.register, member(agencyBranch.id));
    await world.client.request(subjects.org.member.leave, { id: gone.id, reason: 'withdrew', on: today(), actor });
    expect((await errorOf(world.client.request(subjects.org.reportIn.register, { memberId: gone.id, communityCode: 'M1', volunteerId: 'vol-gone', on: today(), actor })))?.code).toBe(ErrorCode.CONFLICT);
    expect((await errorOf(world.client.request(subjects.org.reportIn.register, { memberId: li.id, communityCode: 'M1', volunteerId: 'x', on: today(), actor: { id: 'd2', areas: ['D2'] } })))?.code).toBe(ErrorCode.FORBIDDEN);
    expect(await counts(world, 'report_in', 'outbox')).toEqual({ ...before, outbox: before.outbox + 2 });
  });

  it("accumulates timebank's verified hours on the service record, each entry once, for the community and the employer's branch", async () => {
    const entry = (n: number, volunteerId: string, minutes: number): HoursVerified => ({
      entryId: `0190a000-0000-7000-8000-${String(n).padStart(12, '0')}`,
      volunteerId,
      minutes,
      activityName: '社区清洁',
      areaCode: 'M1',
      verifiedAt: new Date().toISOString(),
    });
    await verified(entry(1, 'vol-wang', 90));
    await verified(entry(2, 'vol-wang', 120));
    await verified(entry(3, 'vol-li', 60));
    // Someone's who is not a reported-in member: not ours.
    await verified(entry(4, 'vol-stranger', 600));
    await waitFor('the hours on the record', async () => (await world.client.request(subjects.org.reportIn.branch, { organizationId: agencyBranch.id })).serviceMinutes === 270);
    // Delivered again (a new message id, the same ledger entry): counted once.
    const h = natsHeaders();
    h.set(Headers.schema, schemaHeader(subjects.timebank.hours.verified));
    await jetstream(world.nc).publish(subjects.timebank.hours.verified.subject, JSON.stringify(entry(1, 'vol-wang', 90)), { headers: h, msgID: 'redelivered-1' });
    await verified(entry(5, 'vol-wang', 30));
    await waitFor('the last entry', async () => (await world.client.request(subjects.org.reportIn.community, { communityCode: 'M1' })).serviceMinutes === 240);
    const branch = await world.client.request(subjects.org.reportIn.branch, { organizationId: agencyBranch.id });
    expect(branch.items.map((r) => [r.memberName, r.communityCode, r.serviceMinutes, r.serviceEntries])).toEqual([
      ['李在职', 'M3', 60, 1],
      ['王在职', 'M1', 240, 3],
    ]);
    expect(branch.serviceMinutes).toBe(300);
    expect(await counts(world, 'service_entry')).toEqual({ service_entry: 4 });
  });
});
