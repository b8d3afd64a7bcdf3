import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, subjects, type RegisterUnitRequest } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { orgService } from '../src/org.definition.js';
import { actor, createOrganization, errorOf, fieldsOf, seedAreas } from './fixtures/world.js';

/** The two coverages over NATS: registered units, covered by an organization, by party work only, or not at all, per area and type. */
describe('two coverages', () => {
  let world: TestWorld;
  const unit = (code: string, type: RegisterUnitRequest['type'], areaCode: string, partyMembers: number): RegisterUnitRequest => ({
    code,
    name: `单位${code}`,
    type,
    areaCode,
    employees: 50,
    partyMembers,
    actor,
  });

  beforeAll(async () => {
    world = await testWorld(['org']);
    await world.start(orgService, 'org');
    await seedAreas(world);
  });
  afterAll(() => world?.dispose());

  it('reports units with an organization, with party work only, and not covered, by type and child area', async () => {
    for (const u of [
      unit('NPE-1', 'non-public-enterprise', 'M1', 5),
      unit('NPE-2', 'non-public-enterprise', 'M1', 1),
      unit('NPE-3', 'non-public-enterprise', 'M2', 4),
      unit('SO-1', 'social-organization', 'M2', 0),
      unit('NEG-SF', 'new-employment', 'M1', 8),
      unit('NEG-ZTO', 'new-employment', 'M3', 2),
    ]) {
      expect((await world.client.request(subjects.org.unit.register, u)).coverage).toBe('not-covered');
    }
    const committee = await createOrganization(world, { name: 'T1街道党工委', kind: 'committee', type: 'agency', areaCode: 'T1' });
    await createOrganization(world, { name: 'NPE-1党支部', kind: 'branch', type: 'non-public-enterprise', areaCode: 'M1', parentId: committee.id, unitCodes: ['NPE-1'] });
    await createOrganization(world, { name: '快递联合党支部', kind: 'branch', type: 'new-employment', areaCode: 'M1', parentId: committee.id, setup: 'joint', unitCodes: ['NEG-SF', 'NEG-ZTO'] });
    await createOrganization(world, { name: '指导员', kind: 'branch', type: 'social-organization', areaCode: 'M2', parentId: committee.id, setup: 'instructor', instructor: '李指导员', unitCodes: ['SO-1', 'NPE-2'] });
    const dissolved = await createOrganization(world, { name: 'NPE-3党支部', kind: 'branch', type: 'non-public-enterprise', areaCode: 'M2', parentId: committee.id, unitCodes: ['NPE-3'] });
    await world.client.request(subjects.org.organization.dissolve, { id: dissolved.id, reason: '撤销', actor });

    const report = await world.client.request(subjects.org.coverage.report, { areaCode: 'C' });
    expect(report).toMatchObject({ areaCode: 'C', units: 6, withOrganization: 3, workOnly: 2, notCovered: 1, shouldOrganize: 1 });
    expect(report.byType.map((t) => [t.type, t.units, t.withOrganization, t.workOnly, t.notCovered])).toEqual([
      ['state-enterprise', 0, 0, 0, 0],
      ['non-public-enterprise', 3, 1, 1, 1],
      ['social-organization', 1, 0, 1, 0],
      ['new-employment', 2, 2, 0, 0],
    ]);
    expect(report.byChildArea.map((a) => [a.areaCode, a.units, a.withOrganization])).toEqual([
      ['D1', 5, 2],
      ['D2', 1, 1],
    ]);
    const m2 = await world.client.request(subjects.org.coverage.report, { areaCode: 'M2' });
    expect(m2).toMatchObject({ units: 2, withOrganization: 0, workOnly: 1, notCovered: 1, shouldOrganize: 1, byChildArea: [] });
  });

  it('refuses bad units and areas outside the actor or viewer', async () => {
    expect(fieldsOf(await errorOf(world.client.request(subjects.org.unit.register, { ...unit('x y', 'farm' as never, 'M1', -1), name: '' })))).toEqual(['code', 'name', 'partyMembers', 'type']);
    expect((await errorOf(world.client.request(subjects.org.unit.register, { ...unit('U-1', 'new-employment', 'M3', 0), actor: { id: 'd1', areas: ['D1'] } })))?.code).toBe(ErrorCode.FORBIDDEN);
    expect((await errorOf(world.client.request(subjects.org.coverage.report, { areaCode: 'NOPE' })))?.code).toBe(ErrorCode.NOT_FOUND);
    expect((await errorOf(world.client.request(subjects.org.coverage.report, { areaCode: 'C', viewer: { id: 'v', areas: ['D2'] } })))?.code).toBe(ErrorCode.FORBIDDEN);
  });
});
