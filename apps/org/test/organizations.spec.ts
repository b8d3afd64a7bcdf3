import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, subjects, type Organization } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { orgService } from '../src/org.definition.js';
import { actor, counts, createOrganization, errorOf, fieldsOf, member, organization, outboxOf, seedAreas } from './fixtures/world.js';

/** The organization tree over NATS: the placement rules, queries, moves, merges and dissolving; refusals that change nothing. */
describe('organizations', () => {
  let world: TestWorld;
  let city: Organization;
  let township: Organization;
  let community: Organization;
  let general: Organization;
  let branchA: Organization;
  let branchB: Organization;

  beforeAll(async () => {
    world = await testWorld(['org']);
    await world.start(orgService, 'org');
    await seedAreas(world);
    city = await createOrganization(world, { name: '市委', kind: 'committee', type: 'agency', areaCode: 'C' });
    township = await createOrganization(world, { name: 'T1街道党工委', kind: 'committee', type: 'agency', areaCode: 'T1', parentId: city.id });
    community = await createOrganization(world, { name: 'M1社区党委', kind: 'committee', areaCode: 'M1', parentId: township.id });
    general = await createOrganization(world, { name: '某公司党总支', kind: 'general-branch', type: 'non-public-enterprise', areaCode: 'M1', parentId: community.id, unitCodes: ['91440101MA59XXXX1A'] });
    branchA = await createOrganization(world, { name: '第一党支部', kind: 'branch', type: 'non-public-enterprise', areaCode: 'M1', parentId: general.id });
    branchB = await createOrganization(world, { name: '快递小哥党支部', kind: 'branch', type: 'new-employment', areaCode: 'M1', parentId: community.id, setup: 'joint', unitCodes: ['SF-TH', 'ZTO-TH'] });
  });
  afterAll(() => world?.dispose());

  it('creates organizations with their setup, placed in the tree and at an area, and announces each', async () => {
    expect(branchB).toMatchObject({ kind: 'branch', type: 'new-employment', setup: 'joint', unitCodes: ['SF-TH', 'ZTO-TH'], parentId: community.id, areaPath: ['C', 'D1', 'T1', 'M1'], gridBranch: false });
    const grid = await createOrganization(world, { name: 'G11网格党支部', kind: 'branch', areaCode: 'G11', parentId: community.id });
    expect(grid.gridBranch).toBe(true);
    const attached = await createOrganization(world, { name: '挂靠党支部', kind: 'branch', type: 'social-organization', areaCode: 'M1', parentId: community.id, setup: 'attached', hostId: branchB.id });
    expect(attached).toMatchObject({ setup: 'attached', hostId: branchB.id });
    const instructed = await createOrganization(world, { name: '指导员覆盖', kind: 'branch', type: 'non-public-enterprise', areaCode: 'M1', parentId: community.id, setup: 'instructor', instructor: '王指导员', unitCodes: ['SHOP-1', 'SHOP-2'] });
    expect(instructed).toMatchObject({ setup: 'instructor', instructor: '王指导员' });
    const created = await outboxOf(world, subjects.org.organization.created.subject);
    expect(created.map((e) => (e.payload.organization as Organization).name)).toEqual(['市委', 'T1街道党工委', 'M1社区党委', '某公司党总支', '第一党支部', '快递小哥党支部', 'G11网格党支部', '挂靠党支部', '指导员覆盖']);
    for (const o of [grid, attached, instructed]) await world.client.request(subjects.org.organization.dissolve, { id: o.id, reason: 'test over', actor });
  });

  it('refuses what breaks the rules of the tree, with the reason, and stores nothing', async () => {
    const before = await counts(world, 'organization', 'outbox');
    const bad = await errorOf(world.client.request(subjects.org.organization.create, { name: '', kind: 'cell' as never, type: 'farm' as never, areaCode: '?', setup: 'joint', unitCodes: ['bad code'], parentId: 'x', actor }));
    expect(bad?.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(fieldsOf(bad)).toEqual(['areaCode', 'kind', 'name', 'parentId', 'type', 'unitCodes']);
    expect(fieldsOf(await errorOf(world.client.request(subjects.org.organization.create, organization({ name: 'x', kind: 'branch', areaCode: 'M1', setup: 'attached', parentId: community.id }))))).toEqual(['hostId']);
    expect(fieldsOf(await errorOf(world.client.request(subjects.org.organization.create, organization({ name: 'x', kind: 'branch', areaCode: 'M1', setup: 'joint', unitCodes: ['ONE'], parentId: community.id, instructor: 'y' }))))).toEqual(['instructor', 'unitCodes']);
    expect(fieldsOf(await errorOf(createOrganization(world, { name: 'root branch', kind: 'branch', areaCode: 'M1' })))).toEqual(['parentId']);
    const refusals: [Parameters<typeof organization>[0], RegExp][] = [
      [{ name: 'g', kind: 'group', areaCode: 'M1', parentId: community.id }, /a group sits under a branch; M1社区党委 is a committee/],
      [{ name: 'b', kind: 'branch', areaCode: 'M2', parentId: general.id }, /outside 某公司党总支's area M1/],
      [{ name: 'c', kind: 'committee', areaCode: 'G11', parentId: community.id }, /G11 is a grid/],
      [{ name: 'gb', kind: 'branch', areaCode: 'G11', parentId: general.id }, /a grid branch sits under a community committee/],
    ];
    for (const [request, reason] of refusals) {
      const refused = await errorOf(createOrganization(world, request));
      expect(refused?.code).toBe(ErrorCode.CONFLICT);
      expect(refused?.message).toMatch(reason);
    }
    expect((await errorOf(createOrganization(world, { name: 'x', kind: 'committee', areaCode: 'NOPE' })))?.code).toBe(ErrorCode.NOT_FOUND);
    // Outside the actor's areas.
    const outside = await errorOf(createOrganization(world, { name: 'x', kind: 'branch', areaCode: 'M1', parentId: community.id, actor: { id: 'd2-clerk', areas: ['D2'] } }));
    expect(outside?.code).toBe(ErrorCode.FORBIDDEN);
    expect(outside?.message).toMatch(/outside D2, where d2-clerk acts/);
    expect(await counts(world, 'organization', 'outbox')).toEqual(before);
  });

  it('answers a node, its children, its path, and its subtree with counts by kind, type and members', async () => {
    await world.client.request(subjects.org.member.register, member(branchA.id));
    await world.client.request(subjects.org.member.register, member(branchA.id, { status: 'probationary', joinedOn: '2026-01-10', convertedOn: undefined }));
    await world.client.request(subjects.org.member.register, member(branchB.id));
    expect(await world.client.request(subjects.org.organization.get, { id: general.id })).toEqual(general);
    const children = await world.client.request(subjects.org.organization.children, { id: community.id });
    expect(children.items.map((o) => o.name)).toEqual(['快递小哥党支部', '某公司党总支']);
    const path = await world.client.request(subjects.org.organization.path, { id: branchA.id });
    expect(path.items.map((o) => o.name)).toEqual(['市委', 'T1街道党工委', 'M1社区党委', '某公司党总支', '第一党支部']);
    const subtree = await world.client.request(subjects.org.organization.subtree, { id: community.id });
    expect(subtree).toMatchObject({ organizations: 4, fullMembers: 2, probationaryMembers: 1 });
    expect(subtree.byKind).toEqual([{ kind: 'committee', count: 1 }, { kind: 'general-branch', count: 1 }, { kind: 'branch', count: 2 }, { kind: 'group', count: 0 }]);
    expect(subtree.byType.filter((t) => t.count > 0)).toEqual([{ type: 'community', count: 1 }, { type: 'non-public-enterprise', count: 2 }, { type: 'new-employment', count: 1 }]);
    // A viewer of another district sees none of it.
    expect((await errorOf(world.client.request(subjects.org.organization.subtree, { id: community.id, viewer: { id: 'v', areas: ['D2'] } })))?.code).toBe(ErrorCode.FORBIDDEN);
    expect((await world.client.request(subjects.org.organization.children, { id: city.id, viewer: { id: 'v', areas: ['C'] } })).items.map((o) => o.name)).toEqual(['T1街道党工委']);
  });

  it('moves a subtree with its paths, and never under its own descendant', async () => {
    const other = await createOrganization(world, { name: 'M2社区党委', kind: 'committee', areaCode: 'T1', parentId: township.id });
    const moved = await world.client.request(subjects.org.organization.move, { id: general.id, parentId: other.id, actor });
    expect(moved.parentId).toBe(other.id);
    expect((await world.client.request(subjects.org.organization.path, { id: branchA.id })).items.map((o) => o.name)).toEqual(['市委', 'T1街道党工委', 'M2社区党委', '某公司党总支', '第一党支部']);
    expect(await world.client.request(subjects.org.organization.subtree, { id: other.id })).toMatchObject({ organizations: 3, fullMembers: 1, probationaryMembers: 1 });
    const [event] = (await outboxOf(world, subjects.org.organization.moved.subject)).slice(-1);
    expect(event!.payload).toMatchObject({ fromParentId: community.id, descendants: 1 });

    const before = await counts(world, 'outbox');
    const cycle = await errorOf(world.client.request(subjects.org.organization.move, { id: township.id, parentId: other.id, actor }));
    expect(cycle?.code).toBe(ErrorCode.CONFLICT);
    expect(cycle?.message).toMatch(/one of its own descendants/);
    expect((await errorOf(world.client.request(subjects.org.organization.move, { id: general.id, parentId: general.id, actor })))?.message).toMatch(/itself/);
    expect((await errorOf(world.client.request(subjects.org.organization.move, { id: branchA.id, parentId: branchB.id, actor })))?.message).toMatch(/a branch sits under a committee or general branch/);
    expect(await counts(world, 'outbox')).toEqual(before);
    expect((await world.client.request(subjects.org.organization.path, { id: branchA.id })).items).toHaveLength(5);
  });

  it('dissolves only an empty organization, and merges one into another with its members and sub-organizations', async () => {
    const full = await errorOf(world.client.request(subjects.org.organization.dissolve, { id: general.id, reason: 'company closed', actor }));
    expect(full?.code).toBe(ErrorCode.CONFLICT);
    expect(full?.message).toMatch(/1 current sub-organization/);
    const withMembers = await errorOf(world.client.request(subjects.org.organization.dissolve, { id: branchA.id, reason: 'x', actor }));
    expect(withMembers?.message).toMatch(/2 current member\(s\): transfer them first/);

    const target = await createOrganization(world, { name: '新公司党总支', kind: 'general-branch', type: 'non-public-enterprise', areaCode: 'M1', parentId: community.id });
    const merged = await world.client.request(subjects.org.organization.merge, { id: general.id, intoId: target.id, reason: 'companies merged', actor });
    expect(merged).toMatchObject({ membersMoved: 0, organizationsMoved: 1, merged: { mergedInto: target.id, dissolutionReason: 'companies merged' } });
    expect((await world.client.request(subjects.org.organization.get, { id: branchA.id })).parentId).toBe(target.id);
    const mergeBranches = await world.client.request(subjects.org.organization.merge, { id: branchA.id, intoId: branchB.id, reason: 'merged', actor });
    expect(mergeBranches.membersMoved).toBe(2);
    expect(await world.client.request(subjects.org.organization.subtree, { id: branchB.id })).toMatchObject({ organizations: 1, fullMembers: 2, probationaryMembers: 1 });
    const transferred = await outboxOf(world, subjects.org.member.transferred.subject);
    expect(transferred.map((e) => e.payload.toOrganizationId)).toEqual([branchB.id, branchB.id]);
    expect((await errorOf(world.client.request(subjects.org.organization.merge, { id: target.id, intoId: branchB.id, reason: 'x', actor })))?.message).toMatch(/only organizations of one kind/);
    expect((await errorOf(world.client.request(subjects.org.organization.merge, { id: township.id, intoId: community.id, reason: 'x', actor })))?.message).toMatch(/its own descendants/);

    const empty = await world.client.request(subjects.org.organization.dissolve, { id: target.id, reason: 'no units left', actor });
    expect(empty.dissolvedAt).toBeDefined();
    expect((await errorOf(world.client.request(subjects.org.organization.dissolve, { id: target.id, reason: 'again', actor })))?.code).toBe(ErrorCode.CONFLICT);
    expect((await errorOf(createOrganization(world, { name: 'x', kind: 'branch', areaCode: 'M1', parentId: target.id })))?.message).toMatch(/was dissolved/);
    const dissolved = await outboxOf(world, subjects.org.organization.dissolved.subject);
    expect(dissolved.slice(-3).map((e) => (e.payload.organization as Organization).name)).toEqual(['某公司党总支', '第一党支部', '新公司党总支']);
  });
});
