import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, GridworkError, subjects } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { gridService } from '../src/grid.definition.js';

const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as GridworkError);
const g = subjects.grid;
const actor = { id: 'admin-a', name: 'Admin of A' };

/**
 * Grid keeps the caller's scope itself: a request that carries `withinAreas`
 * (as the gateway sends for a person whose grants hold inside areas) is
 * refused FORBIDDEN, and changes nothing, when the place it is about lies
 * outside them; the same request without `withinAreas` (a platform caller)
 * goes through. Called over NATS, as the gateway calls grid.
 */
describe("grid keeps the caller's areas", () => {
  let world: TestWorld;
  let workerA: string;
  let workerB: string;
  let recordB: string;
  const inA = { withinAreas: ['CA'] };
  const count = async (table: string) => (await world.query<{ n: number }>('grid', `SELECT count(*)::int AS n FROM ${table}`))[0]!.n;
  const forbidden = async (promise: Promise<unknown>, mentions: string) => {
    const error = await errorOf(promise);
    expect(error?.code, error?.message).toBe(ErrorCode.FORBIDDEN);
    expect(error!.message).toContain('CA');
    expect(error!.message).toContain(mentions);
  };

  beforeAll(async () => {
    world = await testWorld(['grid']);
    await world.start(gridService, 'grid');
    // Another module's data, seeded directly: one township with communities CA (grid A1) and CB (grid B1).
    await world.query(
      'grid',
      `INSERT INTO area (code, name, level, parent_code, path) VALUES
         ('C', 'City', 'city', NULL, '{C}'),
         ('D', 'District', 'district', 'C', '{C,D}'),
         ('T', 'Township', 'township', 'D', '{C,D,T}'),
         ('CA', 'Community A', 'community', 'T', '{C,D,T,CA}'),
         ('CB', 'Community B', 'community', 'T', '{C,D,T,CB}'),
         ('A1', 'Grid A1', 'grid', 'CA', '{C,D,T,CA,A1}'),
         ('B1', 'Grid B1', 'grid', 'CB', '{C,D,T,CB,B1}')`,
    );
    await world.query(
      'grid',
      `INSERT INTO grid (code, community_code, population, households, area_square_metres) VALUES ('A1', 'CA', 1000, 400, 0), ('B1', 'CB', 1000, 400, 0)`,
    );
    const register = (name: string, communityCode: string) =>
      world.client.request(g.worker.register, { name, employment: 'full-time', hiredOn: '2024-01-01', communityCode });
    workerA = (await register('Worker A', 'CA')).id;
    workerB = (await register('Worker B', 'CB')).id;
    await world.client.request(g.worker.assign, { workerId: workerB, gridCode: 'B1', startedOn: '2024-01-02' });
    recordB = (await world.client.request(g.baseRecord.register, { gridCode: 'B1', type: 'cctv', name: 'Camera B', attributes: { status: 'in-service' }, actor } as never)).id;
  });
  afterAll(() => world?.dispose());

  it('refuses every write about a place outside the areas, and stores nothing', async () => {
    const before = { area: await count('area'), worker: await count('worker'), record: await count('base_record'), assignment: await count('worker_assignment'), outbox: await count('outbox') };
    await forbidden(world.client.request(g.area.create, { ...inA, code: 'CB9', name: 'Under B', level: 'community', parentCode: 'T' } as never), 'parent area T');
    await forbidden(world.client.request(g.area.update, { ...inA, code: 'CB', name: 'Renamed' }), 'area CB');
    await forbidden(world.client.request(g.grid.update, { ...inA, code: 'B1', name: 'Renamed' }), 'grid B1');
    await forbidden(world.client.request(g.worker.register, { ...inA, name: 'New', employment: 'full-time', hiredOn: '2024-01-01', communityCode: 'CB' }), 'community CB');
    await forbidden(world.client.request(g.worker.update, { ...inA, id: workerB, phone: '13800000000' }), `worker ${workerB}'s community CB`);
    await forbidden(world.client.request(g.worker.leave, { ...inA, id: workerB, leftOn: '2025-01-01', reason: 'moved' }), 'CB');
    await forbidden(world.client.request(g.worker.assign, { ...inA, workerId: workerA, gridCode: 'B1', startedOn: '2024-02-01' }), 'grid B1');
    await forbidden(world.client.request(g.career.place, { ...inA, workerId: workerB, position: 'grid-worker', grade: 1, on: '2024-01-01' }), 'CB');
    await forbidden(world.client.request(g.baseRecord.register, { ...inA, gridCode: 'B1', type: 'cctv', name: 'Camera', attributes: { status: 'in-service' }, actor } as never), 'grid B1');
    await forbidden(world.client.request(g.baseRecord.archive, { ...inA, id: recordB, version: 1, reason: 'gone', actor } as never), `base record ${recordB}'s grid B1`);
    await forbidden(
      world.client.request(g.patrol.log, { ...inA, gridCode: 'B1', workerId: workerB, date: '2024-03-01', startedAt: '2024-03-01T08:00:00+08:00', endedAt: '2024-03-01T09:00:00+08:00', caseReported: false }),
      'grid B1',
    );
    expect({ area: await count('area'), worker: await count('worker'), record: await count('base_record'), assignment: await count('worker_assignment'), outbox: await count('outbox') }).toEqual(before);
    expect((await world.client.request(g.area.get, { code: 'CB' })).name).toBe('Community B');
  });

  it('refuses reads of what lies outside, and a list that names no place inside', async () => {
    await forbidden(world.client.request(g.worker.get, { ...inA, id: workerB }), 'CB');
    await forbidden(world.client.request(g.worker.list, { ...inA, areaCode: 'CB' }), 'areaCode CB');
    await forbidden(world.client.request(g.worker.list, { ...inA }), 'names no areaCode');
    await forbidden(world.client.request(g.worker.assignments, { ...inA, gridCode: 'B1' }), 'grid B1');
    await forbidden(world.client.request(g.worker.assignments, { ...inA, workerId: workerB }), 'CB');
    await forbidden(world.client.request(g.baseRecord.get, { ...inA, id: recordB }), 'B1');
    await forbidden(world.client.request(g.baseRecord.list, { ...inA, gridCode: 'B1' }), 'grid B1');
    await forbidden(world.client.request(g.career.get, { ...inA, workerId: workerB }), 'CB');
  });

  it('serves what lies inside, at any depth below the areas', async () => {
    expect((await world.client.request(g.worker.get, { ...inA, id: workerA })).name).toBe('Worker A');
    expect((await world.client.request(g.worker.list, { ...inA, areaCode: 'CA' })).items.map((w) => w.id)).toEqual([workerA]);
    const assignment = await world.client.request(g.worker.assign, { ...inA, workerId: workerA, gridCode: 'A1', startedOn: '2024-02-01' });
    expect(assignment.gridCode).toBe('A1');
    const record = await world.client.request(g.baseRecord.register, { ...inA, gridCode: 'A1', type: 'cctv', name: 'Camera A', attributes: { status: 'in-service' }, actor } as never);
    expect((await world.client.request(g.baseRecord.get, { ...inA, id: record.id })).name).toBe('Camera A');
    // A district's admin holds both communities.
    expect((await world.client.request(g.worker.get, { withinAreas: ['D'], id: workerB })).name).toBe('Worker B');
    expect((await world.client.request(g.area.update, { withinAreas: ['CB', 'CA'], code: 'CA', name: 'Community A' })).code).toBe('CA');
  });

  it('answers NOT_FOUND for a place that does not exist, and VALIDATION_FAILED for malformed areas', async () => {
    expect((await errorOf(world.client.request(g.worker.get, { ...inA, id: '0190a000-0000-7000-8000-00000000abcd' })))?.code).toBe(ErrorCode.NOT_FOUND);
    expect((await errorOf(world.client.request(g.grid.update, { ...inA, code: 'ZZ9', name: 'x' })))?.code).toBe(ErrorCode.NOT_FOUND);
    for (const withinAreas of [[], ['not a code!'], 'CA', Array.from({ length: 21 }, (_, i) => `A${i}`)]) {
      const error = await errorOf(world.client.request(g.worker.get, { withinAreas, id: workerA } as never));
      expect(error?.code).toBe(ErrorCode.VALIDATION_FAILED);
      expect(error!.details!.map((d) => d.field)).toEqual(['withinAreas']);
    }
  });

  it('checks nothing for a platform caller, who sends no areas', async () => {
    expect((await world.client.request(g.worker.get, { id: workerB })).name).toBe('Worker B');
    expect((await world.client.request(g.baseRecord.list, { gridCode: 'B1' })).items.map((r) => r.id)).toEqual([recordB]);
  });
});
