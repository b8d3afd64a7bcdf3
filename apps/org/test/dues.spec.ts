import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { today } from '@gridwork/local-time';
import { ErrorCode, subjects, type Member, type Organization } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { orgService } from '../src/org.definition.js';
import { actor, counts, createOrganization, errorOf, fieldsOf, member, seedAreas } from './fixtures/world.js';

/** Party dues over NATS: each member's basis, the monthly roll in integer fen, payments, lateness and the subtree's totals. */
describe('party dues', () => {
  let world: TestWorld;
  let committee: Organization;
  let branch: Organization;
  let members: Member[];

  beforeAll(async () => {
    world = await testWorld(['org']);
    await world.start(orgService, 'org');
    await seedAreas(world);
    committee = await createOrganization(world, { name: 'M1社区党委', kind: 'committee', areaCode: 'M1' });
    branch = await createOrganization(world, { name: '第一党支部', kind: 'branch', areaCode: 'M1', parentId: committee.id });
    members = [];
    for (const name of ['甲', '乙', '丙', '丁', '戊']) members.push(await world.client.request(subjects.org.member.register, member(branch.id, { name })));
  });
  afterAll(() => world?.dispose());

  it('calculates each month by the tiers in whole fen, half up', async () => {
    const basis = async (i: number, body: Record<string, unknown>) => (await world.client.request(subjects.org.dues.setBasis, { memberId: members[i]!.id, actor, ...body } as never)).monthlyDueFen;
    expect(await basis(0, { rule: 'income', monthlyIncomeFen: 300_000 })).toBe(1_500); // ¥3,000 × 0.5% = ¥15.00
    expect(await basis(1, { rule: 'income', monthlyIncomeFen: 456_789 })).toBe(4_568); // ¥4,567.89 × 1% = 45.6789 → ¥45.68
    expect(await basis(2, { rule: 'income', monthlyIncomeFen: 1_234_567 })).toBe(24_691); // × 2% = 246.9134 → ¥246.91
    expect(await basis(3, { rule: 'fixed', fixedFen: 20 })).toBe(20);
    expect(fieldsOf(await errorOf(world.client.request(subjects.org.dues.setBasis, { memberId: members[4]!.id, rule: 'income', monthlyIncomeFen: 12.5, actor })))).toEqual(['monthlyIncomeFen']);
    expect(fieldsOf(await errorOf(world.client.request(subjects.org.dues.setBasis, { memberId: members[4]!.id, rule: 'exempt', fixedFen: 100, actor })))).toEqual(['fixedFen']);
  });

  it('rolls a month once per member, takes payments up to what is due, and reports totals, late payments and who owes', async () => {
    const rolled = await world.client.request(subjects.org.dues.roll, { organizationId: committee.id, month: '2026-01', actor });
    expect(rolled).toEqual({ month: '2026-01', added: 4, alreadyRolled: 0, withoutBasis: [members[4]!.id] });
    await world.client.request(subjects.org.dues.setBasis, { memberId: members[4]!.id, rule: 'exempt', actor });
    expect(await world.client.request(subjects.org.dues.roll, { organizationId: committee.id, month: '2026-01', actor })).toMatchObject({ added: 1, alreadyRolled: 4, withoutBasis: [] });

    const paid = await world.client.request(subjects.org.dues.pay, { memberId: members[0]!.id, month: '2026-01', amountFen: 1_500, paidOn: '2026-01-20', actor });
    expect(paid).toMatchObject({ dueFen: 1_500, paidFen: 1_500, state: 'paid' });
    const late = await world.client.request(subjects.org.dues.pay, { memberId: members[1]!.id, month: '2026-01', amountFen: 4_568, paidOn: '2026-02-03', actor });
    expect(late.state).toBe('paid-late');
    await world.client.request(subjects.org.dues.pay, { memberId: members[2]!.id, month: '2026-01', amountFen: 10_000, paidOn: '2026-01-25', actor });
    const before = await counts(world, 'dues_entry');
    const over = await errorOf(world.client.request(subjects.org.dues.pay, { memberId: members[2]!.id, month: '2026-01', amountFen: 14_692, paidOn: '2026-01-26', actor }));
    expect(over?.code).toBe(ErrorCode.CONFLICT);
    expect(over?.message).toMatch(/owes 14691 fen/);
    expect((await errorOf(world.client.request(subjects.org.dues.pay, { memberId: members[0]!.id, month: '2030-01', amountFen: 1, paidOn: today(), actor })))?.code).toBe(ErrorCode.NOT_FOUND);
    expect(fieldsOf(await errorOf(world.client.request(subjects.org.dues.pay, { memberId: members[0]!.id, month: '2026-13', amountFen: 0, paidOn: today(), actor })))).toEqual(['amountFen', 'month']);
    expect(await counts(world, 'dues_entry')).toEqual(before);

    const report = await world.client.request(subjects.org.dues.report, { organizationId: committee.id, month: '2026-01' });
    expect(report).toMatchObject({ month: '2026-01', members: 5, dueFen: 1_500 + 4_568 + 24_691 + 20, paidFen: 1_500 + 4_568 + 10_000, outstandingFen: 14_691 + 20, paidLate: 1 });
    expect(report.outstanding.map((e) => [e.memberName, e.dueFen - e.paidFen, e.state])).toEqual([
      ['丙', 14_691, today() > '2026-01-31' ? 'overdue' : 'partly-paid'],
      ['丁', 20, today() > '2026-01-31' ? 'overdue' : 'unpaid'],
    ]);
    expect((await errorOf(world.client.request(subjects.org.dues.report, { organizationId: committee.id, month: '2026-01', viewer: { id: 'v', areas: ['D2'] } })))?.code).toBe(ErrorCode.FORBIDDEN);
  });
});
