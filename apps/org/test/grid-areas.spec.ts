import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { ErrorCode, Headers, schemaHeader, subjects, type AreaChanged, type EventDefinition, type GridChanged } from '@gridwork/contracts';
import { ensureServiceStreams } from '@gridwork/messaging';
import { waitFor } from '@gridwork/testing';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { orgService } from '../src/org.definition.js';
import { actor, createOrganization, errorOf } from './fixtures/world.js';

/**
 * The org service's copy of the grid service's areas, fed by grid's events
 * on its stream as the grid service publishes them (here published by the
 * test, so the org service runs alone): organizations are placed only at
 * areas it has received, and an event that comes twice takes effect once.
 */
describe('grid areas read model', () => {
  let world: TestWorld;
  const publish = async <P extends object>(event: EventDefinition<P>, payload: P, id: string) => {
    const h = natsHeaders();
    h.set(Headers.schema, schemaHeader(event));
    await jetstream(world.nc).publish(event.subject, JSON.stringify(payload), { headers: h, msgID: id });
  };
  const known = async (code: string) => (await world.query<{ name: string; path: string[]; retired: boolean }>('org', `SELECT name, path, retired FROM known_area WHERE code = $1`, [code]))[0];

  beforeAll(async () => {
    world = await testWorld(['org']);
    await ensureServiceStreams(await jetstreamManager(world.nc), 'grid', 1);
    await world.start(orgService, 'org');
  });
  afterAll(() => world?.dispose());

  it('keeps the areas and grids grid announces, and places organizations only there', async () => {
    const area = (code: string, level: AreaChanged['area']['level'], path: string[]): AreaChanged => ({ change: 'created', area: { code, name: `Area ${code}`, level, path, ...(path.length > 1 ? { parentCode: path[path.length - 2] } : {}) } });
    // Before the area has arrived, nothing is placed there.
    expect((await errorOf(createOrganization(world, { name: '城市党委', kind: 'committee', areaCode: 'GZ' })))?.code).toBe(ErrorCode.NOT_FOUND);
    await publish(subjects.grid.area.changed, area('GZ', 'city', ['GZ']), 'area-gz');
    await publish(subjects.grid.area.changed, area('TH', 'district', ['GZ', 'TH']), 'area-th');
    await publish(subjects.grid.area.changed, area('TH-1', 'township', ['GZ', 'TH', 'TH-1']), 'area-th-1');
    await publish(subjects.grid.area.changed, area('TH-1-1', 'community', ['GZ', 'TH', 'TH-1', 'TH-1-1']), 'area-th-1-1');
    const grid: GridChanged = {
      change: 'created',
      grid: { code: 'TH-1-1-01', name: 'Grid 1', communityCode: 'TH-1-1', path: ['GZ', 'TH', 'TH-1', 'TH-1-1', 'TH-1-1-01'], population: 1200, households: 400, bbox: [113.3, 23.1, 113.31, 23.11], areaSquareMetres: 120000 },
    };
    await publish(subjects.grid.grid.changed, grid, 'grid-1');
    await waitFor('the grid in the read model', () => known('TH-1-1-01'));
    expect(await known('TH-1-1')).toEqual({ name: 'Area TH-1-1', path: ['GZ', 'TH', 'TH-1', 'TH-1-1'], retired: false });

    const committee = await createOrganization(world, { name: '社区党委', kind: 'committee', areaCode: 'TH-1-1' });
    expect(committee.areaPath).toEqual(['GZ', 'TH', 'TH-1', 'TH-1-1']);
    const gridBranch = await createOrganization(world, { name: '第一网格党支部', kind: 'branch', areaCode: 'TH-1-1-01', parentId: committee.id });
    expect(gridBranch).toMatchObject({ gridBranch: true, areaPath: ['GZ', 'TH', 'TH-1', 'TH-1-1', 'TH-1-1-01'] });

    // A renamed area is renamed, once even when the event comes again; a retired grid takes no new organization.
    await publish(subjects.grid.area.changed, { change: 'updated', area: { ...area('TH-1-1', 'community', ['GZ', 'TH', 'TH-1', 'TH-1-1']).area, name: '猎德社区' } }, 'area-th-1-1-renamed');
    await publish(subjects.grid.grid.changed, { change: 'retired', grid: { ...grid.grid, retiredAt: new Date().toISOString() } }, 'grid-1-retired');
    await publish(subjects.grid.area.changed, area('TH-1-1', 'community', ['GZ', 'TH', 'TH-1', 'TH-1-1']), 'area-th-1-1');
    await waitFor('the grid retired', async () => (await known('TH-1-1-01'))?.retired);
    expect((await known('TH-1-1'))?.name).toBe('猎德社区');
    const retired = await errorOf(createOrganization(world, { name: '第一网格党小组', kind: 'group', areaCode: 'TH-1-1-01', parentId: gridBranch.id, actor }));
    expect(retired?.code).toBe(ErrorCode.NOT_FOUND);
  });
});
