import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, GridworkError, subjects } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { gridService } from '../src/grid.definition.js';
import { box, smallCity } from './fixtures/areas.js';
import { today } from '@gridwork/local-time';

const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as GridworkError);
const BRANCH = '0190a1b2-0000-7000-8000-000000000001';

/** Base grids: changes, split and merge with lineage, coverage checks, and other networks' grids. */
describe('grids', () => {
  let world: TestWorld;
  const count = async (sql: string) => (await world.query<{ n: number }>('grid', `SELECT count(*)::int AS n FROM ${sql}`))[0]!.n;

  beforeAll(async () => {
    world = await testWorld(['grid']);
    await world.start(gridService, 'grid');
    await world.client.request(subjects.grid.area.import, { featureCollection: smallCity() });
  });
  afterAll(() => world?.dispose());

  it('creates and changes a grid, and refuses bad ones naming the fields', async () => {
    await world.client.request(subjects.grid.area.create, { code: 'T010102', name: 'Community Two', level: 'community', parentCode: 'T0101', boundary: box(113.02, 23.0, 113.05, 23.02) });
    const created = await world.client.request(subjects.grid.grid.create, {
      code: 'T01010201',
      name: 'North',
      communityCode: 'T010102',
      boundary: box(113.02, 23.0, 113.05, 23.02),
      population: 500,
      households: 200,
      branchOrgId: BRANCH,
    });
    expect(created).toMatchObject({ path: ['T0', 'T01', 'T0101', 'T010102', 'T01010201'], branchOrgId: BRANCH });
    const updated = await world.client.request(subjects.grid.grid.update, { code: 'T01010201', population: 650, branchOrgId: null });
    expect(updated.population).toBe(650);
    expect(updated.households).toBe(200);
    expect(updated.branchOrgId).toBeUndefined();

    const before = await count('grid');
    const bad = await errorOf(
      world.client.request(subjects.grid.grid.create, { code: 'X', name: 'X', communityCode: 'T010102', boundary: box(23.0, 113.0, 23.01, 113.01), population: -1, households: 1.5 }),
    );
    expect(bad?.details?.map((d) => d.field).sort()).toEqual(['boundary', 'households', 'population']);
    expect(bad?.details?.find((d) => d.field === 'boundary')?.messages[0]).toMatch(/look swapped/);
    const unknownCommunity = await errorOf(
      world.client.request(subjects.grid.grid.create, { code: 'X', name: 'X', communityCode: 'NOPE', boundary: box(113, 23, 113.01, 23.01), population: 1, households: 1 }),
    );
    expect(unknownCommunity?.code).toBe(ErrorCode.NOT_FOUND);
    const underTownship = await errorOf(
      world.client.request(subjects.grid.grid.create, { code: 'X', name: 'X', communityCode: 'T0101', boundary: box(113, 23, 113.01, 23.01), population: 1, households: 1 }),
    );
    expect(underTownship?.details?.[0]).toMatchObject({ field: 'communityCode' });
    expect(await count('grid')).toBe(before);
  });

  it('refuses a new grid overlapping its sibling grids or reaching outside its community, naming each', async () => {
    const before = await count('grid');
    const grid = (code: string, boundary: ReturnType<typeof box>) =>
      errorOf(world.client.request(subjects.grid.grid.create, { code, name: code, communityCode: 'T010101', boundary, population: 1, households: 1 }));
    // Over both halves of community T010101 and 0.01° of longitude beyond its east edge.
    const sprawling = await grid('T01010109', box(113.005, 23.0, 113.03, 23.01));
    expect(sprawling?.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(sprawling?.details).toHaveLength(1);
    expect(sprawling?.details?.[0]?.field).toBe('boundary');
    const messages = sprawling!.details![0]!.messages;
    expect(messages).toHaveLength(3);
    expect(messages[0]).toMatch(/^overlaps grid T01010101 by \d+ m²$/);
    expect(messages[1]).toMatch(/^overlaps grid T01010102 by \d+ m²$/);
    expect(messages[2]).toMatch(/^reaches \d+ m² outside community T010101$/);
    // About 1.02 km × 1.1 km of the community's outside.
    expect(Number(/reaches (\d+)/.exec(messages[2]!)![1])).toBeGreaterThan(1.1e6);
    // Sharing only an edge with a sibling is no overlap.
    const touching = await grid('T01010109', box(113.02, 23.0, 113.03, 23.01));
    expect(touching?.details?.[0]?.messages).toEqual([expect.stringMatching(/^reaches \d+ m² outside community T010101$/)]);
    expect(await count('grid')).toBe(before);

    // Redrawing a grid is held to the same: the west grid may not reach into the east one, and its own old shape is no overlap.
    const redraw = (boundary: ReturnType<typeof box>) => errorOf(world.client.request(subjects.grid.grid.update, { code: 'T01010101', boundary }));
    const intoEast = await redraw(box(113.0, 23.0, 113.015, 23.02));
    expect(intoEast?.details).toEqual([{ field: 'boundary', messages: [expect.stringMatching(/^overlaps grid T01010102 by \d+ m²$/)] }]);
    expect((await world.client.request(subjects.grid.grid.get, { code: 'T01010101', withBoundary: true })).boundary).toEqual({
      type: 'MultiPolygon',
      coordinates: [box(113.0, 23.0, 113.01, 23.02).coordinates],
    });
    expect(await redraw(box(113.0, 23.0, 113.01, 23.02))).toBeUndefined();
  });

  it('lists the grids under any area, paged', async () => {
    const first = await world.client.request(subjects.grid.grid.list, { areaCode: 'T01', limit: 2 });
    expect(first.items.map((g) => g.code)).toEqual(['T01010101', 'T01010102']);
    const rest = await world.client.request(subjects.grid.grid.list, { areaCode: 'T01', after: first.nextAfter });
    expect(rest.items.map((g) => g.code)).toEqual(['T01010201']);
    const missing = await errorOf(world.client.request(subjects.grid.grid.list, { areaCode: 'NOPE' }));
    expect(missing?.code).toBe(ErrorCode.NOT_FOUND);
  });

  it('maps other networks onto base grids by code and by boundary, both ways', async () => {
    const byCode = await world.client.request(subjects.grid.networkGrid.map, { network: 'security', code: 'S1', name: 'Security 1', baseGridCodes: ['T01010101', 'T01010102'] });
    expect(byCode.baseGridCodes).toEqual(['T01010101', 'T01010102']);
    // Covers all of the west grid and a sliver of the east one: only the west grid maps.
    const byBoundary = await world.client.request(subjects.grid.networkGrid.map, { network: 'health', code: 'H1', name: 'Health 1', boundary: box(112.999, 22.999, 113.012, 23.021) });
    expect(byBoundary.baseGridCodes).toEqual(['T01010101']);
    const west = await world.client.request(subjects.grid.networkGrid.ofBaseGrid, { gridCode: 'T01010101' });
    expect(west.items).toEqual([
      { network: 'health', code: 'H1', name: 'Health 1' },
      { network: 'security', code: 'S1', name: 'Security 1' },
    ]);
    const onlySecurity = await world.client.request(subjects.grid.networkGrid.ofBaseGrid, { gridCode: 'T01010101', network: 'security' });
    expect(onlySecurity.items.map((i) => i.code)).toEqual(['S1']);
    const unknown = await errorOf(world.client.request(subjects.grid.networkGrid.map, { network: 'security', code: 'S2', name: 'S2', baseGridCodes: ['NOPE'] }));
    expect(unknown?.code).toBe(ErrorCode.NOT_FOUND);
    const both = await errorOf(world.client.request(subjects.grid.networkGrid.map, { network: 'security', code: 'S2', name: 'S2' }));
    expect(both?.details?.map((d) => d.field)).toEqual(['baseGridCodes', 'boundary']);
    const badNetwork = await errorOf(world.client.request(subjects.grid.networkGrid.get, { network: 'water' as never, code: 'S1' }));
    expect(badNetwork?.details?.map((d) => d.field)).toEqual(['network']);
  });

  it('refuses a split whose parts overlap or leave part of the grid uncovered, and changes nothing', async () => {
    const outboxBefore = await count('outbox');
    const overlapping = await errorOf(
      world.client.request(subjects.grid.grid.split, {
        code: 'T01010101',
        reason: 'too big',
        parts: [
          { code: 'T0101010101', name: 'A', boundary: box(113.0, 23.0, 113.01, 23.012), population: 400, households: 150 },
          { code: 'T0101010102', name: 'B', boundary: box(113.0, 23.008, 113.01, 23.02), population: 500, households: 200 },
        ],
      }),
    );
    expect(overlapping?.details?.[0]?.field).toBe('parts');
    expect(overlapping?.details?.[0]?.messages.join()).toMatch(/parts\[0\] and parts\[1\] overlap by \d+ m²/);
    const uncovered = await errorOf(
      world.client.request(subjects.grid.grid.split, {
        code: 'T01010101',
        reason: 'too big',
        parts: [
          { code: 'T0101010101', name: 'A', boundary: box(113.0, 23.0, 113.01, 23.01), population: 400, households: 150 },
          { code: 'T0101010102', name: 'B', boundary: box(113.0, 23.011, 113.01, 23.02), population: 500, households: 200 },
        ],
      }),
    );
    expect(uncovered?.details?.[0]?.messages.join()).toMatch(/leave \d+ m² of grid T01010101 uncovered/);
    expect(await count('outbox')).toBe(outboxBefore);
    expect(await count(`area WHERE retired_at IS NOT NULL`)).toBe(0);
  });

  it('splits a grid: the old one retires, points find the new ones, mappings, assignments and lineage follow', async () => {
    const worker = await world.client.request(subjects.grid.worker.register, { name: 'Worker Chen', employment: 'full-time', hiredOn: '2026-01-01' });
    await world.client.request(subjects.grid.worker.assign, { workerId: worker.id, gridCode: 'T01010101', startedOn: '2026-01-01' });
    const reshaped = await world.client.request(subjects.grid.grid.split, {
      code: 'T01010101',
      reason: 'too many residents for one worker',
      parts: [
        { code: 'T0101010101', name: 'West South', boundary: box(113.0, 23.0, 113.01, 23.01), population: 400, households: 150 },
        { code: 'T0101010102', name: 'West North', boundary: box(113.0, 23.01, 113.01, 23.02), population: 500, households: 200 },
      ],
    });
    expect(reshaped).toMatchObject({ kind: 'split', from: ['T01010101'], to: [{ code: 'T0101010101' }, { code: 'T0101010102' }], carriedAssignments: [] });
    // The reply and the event say whose assignment ended; without carryAssignmentsTo nobody serves the parts yet.
    expect(reshaped.endedAssignments).toEqual([
      expect.objectContaining({ workerId: worker.id, workerName: 'Worker Chen', gridCode: 'T01010101', role: 'worker', startedOn: '2026-01-01', endedOn: today() }),
    ]);
    const [reshapedEvent] = await world.query<{ payload: unknown }>('grid', `SELECT payload FROM outbox WHERE subject = 'gov.evt.grid.grid.reshaped'`);
    expect(reshapedEvent!.payload).toEqual(JSON.parse(JSON.stringify(reshaped)));
    expect((await world.client.request(subjects.grid.worker.assignments, { gridCode: 'T0101010101' })).items).toEqual([]);
    const old = await world.client.request(subjects.grid.grid.get, { code: 'T01010101' });
    expect(old.retiredAt).toBeDefined();
    const located = await world.client.request(subjects.grid.area.locate, { longitude: 113.005, latitude: 23.015 });
    expect(located.grid?.code).toBe('T0101010102');
    const security = await world.client.request(subjects.grid.networkGrid.get, { network: 'security', code: 'S1' });
    expect(security.baseGridCodes).toEqual(['T0101010101', 'T0101010102', 'T01010102']);
    const active = await world.client.request(subjects.grid.grid.list, { areaCode: 'T010101' });
    expect(active.items.map((g) => g.code)).toEqual(['T0101010101', 'T0101010102', 'T01010102']);
    const reshapedEvents = await count(`outbox WHERE subject = 'gov.evt.grid.grid.reshaped'`);
    expect(reshapedEvents).toBe(1);
    // The worker's assignment to the retired grid has ended, saying why.
    const [assignment] = await world.query<{ ended_on: string | null; end_reason: string }>('grid', `SELECT ended_on::text, end_reason FROM worker_assignment WHERE worker_id = $1`, [worker.id]);
    expect(assignment!.ended_on).not.toBeNull();
    expect(assignment!.end_reason).toBe('grid split into T0101010101, T0101010102: too many residents for one worker');
    const again = await errorOf(world.client.request(subjects.grid.grid.update, { code: 'T01010101', population: 1 }));
    expect(again?.code).toBe(ErrorCode.CONFLICT);
  });

  it('refuses a split whose parts do not share out the residents and households, or carries assignments to no part', async () => {
    const outboxBefore = await count('outbox');
    const parts = [
      { code: 'T0101010201', name: 'A', boundary: box(113.01, 23.0, 113.02, 23.01), population: 600, households: 200 },
      { code: 'T0101010202', name: 'B', boundary: box(113.01, 23.01, 113.02, 23.02), population: 600, households: 220 },
    ];
    const wrong = await errorOf(world.client.request(subjects.grid.grid.split, { code: 'T01010102', reason: 'x', parts, carryAssignmentsTo: 'T01010102' }));
    expect(wrong?.details).toEqual([
      { field: 'parts', messages: ["the parts' population add up to 1200, but grid T01010102 has 1100"] },
      { field: 'carryAssignmentsTo', messages: ["carryAssignmentsTo must be one of the parts' codes, not T01010102"] },
    ]);
    expect(await count('outbox')).toBe(outboxBefore);
  });

  it('merges touching grids of one community, summing residents, and refuses grids apart', async () => {
    const apart = await errorOf(world.client.request(subjects.grid.grid.merge, { codes: ['T0101010101', 'T01010201'], into: { code: 'M1', name: 'M' }, reason: 'x' }));
    expect(apart?.details?.[0]?.messages[0]).toMatch(/grids of one community only/);
    // Each grid has a head: carried over, the new grid would have two.
    const hire = (name: string) => world.client.request(subjects.grid.worker.register, { name, employment: 'full-time', hiredOn: '2026-01-01' });
    const [li, wang] = [await hire('Head Li'), await hire('Head Wang')];
    await world.client.request(subjects.grid.worker.assign, { workerId: li.id, gridCode: 'T0101010101', role: 'head', startedOn: '2026-01-01' });
    const wangHead = await world.client.request(subjects.grid.worker.assign, { workerId: wang.id, gridCode: 'T01010102', role: 'head', startedOn: '2026-01-01' });
    const merge = { codes: ['T0101010101', 'T01010102'], into: { code: 'T01010103', name: 'South and East', branchOrgId: BRANCH }, reason: 'fewer residents after demolition' };
    const twoHeads = await errorOf(world.client.request(subjects.grid.grid.merge, { ...merge, carryAssignments: true }));
    expect(twoHeads?.code).toBe(ErrorCode.CONFLICT);
    expect(twoHeads?.message).toContain(`Head Li (${li.id}, head of T0101010101) and Head Wang (${wang.id}, head of T01010102)`);
    expect(await count(`area WHERE code = 'T01010103'`)).toBe(0);
    // Wang serves on as a worker instead: both carry over, Li as the new grid's head.
    await world.client.request(subjects.grid.worker.endAssignment, { assignmentId: wangHead.id, endedOn: '2026-01-01', reason: 'never took up the post' });
    await world.client.request(subjects.grid.worker.assign, { workerId: wang.id, gridCode: 'T01010102', startedOn: '2026-01-01' });
    const merged = await world.client.request(subjects.grid.grid.merge, { ...merge, carryAssignments: true });
    expect(merged.endedAssignments.map((a) => [a.workerName, a.gridCode, a.role, a.endedOn])).toEqual([
      ['Head Li', 'T0101010101', 'head', today()],
      ['Head Wang', 'T01010102', 'worker', today()],
    ]);
    expect(merged.carriedAssignments.map((a) => [a.workerName, a.gridCode, a.role, a.startedOn]).sort()).toEqual([
      ['Head Li', 'T01010103', 'head', today()],
      ['Head Wang', 'T01010103', 'worker', today()],
    ]);
    const serving = await world.client.request(subjects.grid.worker.assignments, { gridCode: 'T01010103' });
    expect(serving.items.map((a) => a.id).sort()).toEqual(merged.carriedAssignments.map((a) => a.id).sort());
    expect(merged.to[0]).toMatchObject({ code: 'T01010103', population: 1500, households: 570, branchOrgId: BRANCH });
    expect(merged.to[0]!.bbox).toEqual([113, 23, 113.02, 23.02]);
    const history = await world.client.request(subjects.grid.grid.history, { code: 'T01010103' });
    expect(history.entries.map((e) => [e.kind, e.from, e.to])).toEqual([
      ['split', ['T01010101'], ['T0101010101', 'T0101010102']],
      ['merge', ['T0101010101', 'T01010102'], ['T01010103']],
    ]);
  });

  it('reports overlaps between sibling grids, gaps they leave, and grids reaching outside', async () => {
    const clean = await world.client.request(subjects.grid.grid.checkCoverage, { communityCode: 'T010101' });
    expect(clean).toMatchObject({ grids: 2, overlaps: [], gaps: [], outside: [], communityHasBoundary: true });
    // Shrink one grid (a gap) and push another over its neighbour and out of the community. grid.update refuses the second,
    // so the faulty shape is written as data from before that check would be (check-coverage exists to find such data).
    await world.client.request(subjects.grid.grid.update, { code: 'T0101010102', boundary: box(113.0, 23.012, 113.01, 23.02) });
    const sprawl = box(113.0, 23.0, 113.025, 23.015);
    expect((await errorOf(world.client.request(subjects.grid.grid.update, { code: 'T01010103', boundary: sprawl })))?.code).toBe(ErrorCode.VALIDATION_FAILED);
    await world.query('grid', `UPDATE area SET boundary = ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)) WHERE code = $1`, ['T01010103', JSON.stringify(sprawl)]);
    const report = await world.client.request(subjects.grid.grid.checkCoverage, { communityCode: 'T010101' });
    expect(report.overlaps).toHaveLength(1);
    expect(report.overlaps[0]).toMatchObject({ first: 'T0101010102', second: 'T01010103' });
    expect(report.gaps.length).toBeGreaterThan(0);
    expect(report.outside).toHaveLength(1);
    expect(report.outside[0]!.bbox).toEqual([113.02, 23, 113.025, 23.015]);
    const notCommunity = await errorOf(world.client.request(subjects.grid.grid.checkCoverage, { communityCode: 'T0101' }));
    expect(notCommunity?.details?.[0]?.field).toBe('communityCode');
  });
});
