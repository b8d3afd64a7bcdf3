import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Objm } from '@nats-io/obj';
import { AREA_IMPORT_BUCKET, ErrorCode, GridworkError, subjects } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { gridService } from '../src/grid.definition.js';
import { box, feature, smallCity } from './fixtures/areas.js';

const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as GridworkError);
const fieldsOf = (error: GridworkError | undefined) => error?.details?.map((d) => d.field).sort();

/** The area tree: bulk import with rejections, single changes, and "where is this?". */
describe('areas', () => {
  let world: TestWorld;
  const count = async (sql: string) => (await world.query<{ n: number }>('grid', `SELECT count(*)::int AS n FROM ${sql}`))[0]!.n;

  beforeAll(async () => {
    world = await testWorld(['grid']);
    await world.start(gridService, 'grid');
  });
  afterAll(() => world?.dispose());

  it('imports a tree inline in one go, with paths, grids and one event per area', async () => {
    const reply = await world.client.request(subjects.grid.area.import, { featureCollection: smallCity() });
    expect(reply).toEqual({ received: 6, imported: { city: 1, district: 1, township: 1, community: 1, grid: 2 }, rejected: [], rejectedCount: 0, dryRun: false });
    const west = await world.client.request(subjects.grid.grid.get, { code: 'T01010101' });
    expect(west).toMatchObject({ communityCode: 'T010101', path: ['T0', 'T01', 'T0101', 'T010101', 'T01010101'], population: 900, households: 350 });
    expect(west.bbox).toEqual([113, 23, 113.01, 23.02]);
    // About 1.02 km × 2.2 km at latitude 23.
    expect(west.areaSquareMetres).toBeGreaterThan(2.2e6);
    expect(west.areaSquareMetres).toBeLessThan(2.4e6);
    const events = await world.query<{ subject: string; n: number }>('grid', `SELECT subject, count(*)::int AS n FROM outbox GROUP BY subject ORDER BY subject`);
    expect(events).toEqual([
      { subject: 'gov.evt.grid.area.changed', n: 4 },
      { subject: 'gov.evt.grid.area.imported', n: 1 },
      { subject: 'gov.evt.grid.grid.changed', n: 2 },
    ]);
    const [changed] = await world.query<{ payload: { area: { bbox: number[]; boundary?: unknown } } }>(
      'grid',
      `SELECT payload FROM outbox WHERE payload->'area'->>'code' = 'T0101'`,
    );
    expect(changed!.payload.area.bbox).toEqual([113, 23, 113.05, 23.05]);
    expect(changed!.payload.area.boundary).toBeUndefined();
  });

  it('rejects each bad feature with its reasons, stores the sound ones and no orphans', async () => {
    const selfIntersecting = { type: 'Polygon', coordinates: [[[113.0, 23.0], [113.01, 23.01], [113.01, 23.0], [113.0, 23.01], [113.0, 23.0]]] };
    const unclosed = { type: 'Polygon', coordinates: [[[113.0, 23.0], [113.01, 23.0], [113.01, 23.01], [113.0, 23.01]]] };
    const swapped = box(23.0, 113.0, 23.01, 113.01);
    const outOfRange = box(213.0, 23.0, 213.01, 23.01);
    const reply = await world.client.request(subjects.grid.area.import, {
      featureCollection: {
        type: 'FeatureCollection',
        features: [
          feature({ code: 'T0102', name: 'Township Two', level: 'township', parentCode: 'T01' }, box(113.05, 23.0, 113.1, 23.05)),
          feature({ code: 'B1', name: 'Crossed', level: 'community', parentCode: 'T0102' }, selfIntersecting),
          feature({ code: 'B2', name: 'Open', level: 'community', parentCode: 'T0102' }, unclosed),
          feature({ code: 'B3', name: 'Swapped', level: 'community', parentCode: 'T0102' }, swapped),
          feature({ code: 'B4', name: 'Far away', level: 'community', parentCode: 'T0102' }, outOfRange),
          feature({ code: 'B5', name: 'Orphan', level: 'community', parentCode: 'NOPE' }, box(113.05, 23.0, 113.06, 23.01)),
          feature({ code: 'B6', name: 'Twin a', level: 'community', parentCode: 'T0102' }, box(113.05, 23.0, 113.06, 23.01)),
          feature({ code: 'B6', name: 'Twin b', level: 'community', parentCode: 'T0102' }, box(113.06, 23.0, 113.07, 23.01)),
          feature({ code: 'T010101', name: 'Again', level: 'community', parentCode: 'T0101' }, box(113.05, 23.0, 113.06, 23.01)),
          feature({ code: 'B7', name: 'Under a crossed parent', level: 'grid', parentCode: 'B1', population: 1, households: 1 }, box(113.0, 23.0, 113.001, 23.001)),
          feature({ code: 'B8', name: 'Wrong parent level', level: 'grid', parentCode: 'T0102', population: 1, households: 1 }, box(113.05, 23.0, 113.051, 23.001)),
          feature({ code: 'B9', name: 'No boundary grid', level: 'grid', parentCode: 'T010101', households: -1 }),
          feature({ code: 'bad code!', name: '', level: 'county' }),
          feature({ code: 'B10', name: 'Good community', level: 'community', parentCode: 'T0102' }, box(113.07, 23.0, 113.08, 23.01)),
        ],
      },
    });
    const reasons = Object.fromEntries(reply.rejected.map((r) => [r.index, r.reasons.join(' | ')]));
    // The first B6 is sound and stored; only the later copy is refused.
    expect(reply.imported).toEqual({ city: 0, district: 0, township: 1, community: 2, grid: 0 });
    expect(Object.keys(reasons).map(Number)).toEqual([1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12]);
    expect(reasons[1]).toMatch(/not a valid polygon: Self-intersection/);
    expect(reasons[2]).toMatch(/ring 0 is not closed/);
    expect(reasons[3]).toMatch(/look swapped/);
    expect(reasons[4]).toMatch(/out of range/);
    expect(reasons[5]).toBe('unknown parent NOPE');
    expect(reasons[7]).toBe('duplicate code B6: feature 6 has it first');
    expect((await world.client.request(subjects.grid.area.get, { code: 'B6' })).name).toBe('Twin a');
    expect(reasons[8]).toBe('code T010101 already exists');
    expect(reasons[9]).toBe('parent B1 was rejected');
    expect(reasons[10]).toMatch(/parent T0102 is a township; a grid's parent must be a community/);
    expect(reasons[11]).toMatch(/a grid needs a boundary/);
    expect(reasons[11]).toMatch(/properties.households/);
    expect(reasons[12]).toMatch(/properties.code/);
    expect(reasons[12]).toMatch(/properties.level/);
    expect(await count(`area WHERE code LIKE 'B%'`)).toBe(2);
    expect(await count(`area WHERE code = 'T0102'`)).toBe(1);
  });

  it('checks without storing on a dry run, and refuses a request that is not a collection', async () => {
    const before = await count('area');
    const reply = await world.client.request(subjects.grid.area.import, {
      dryRun: true,
      featureCollection: { type: 'FeatureCollection', features: [feature({ code: 'D1', name: 'Dry', level: 'community', parentCode: 'T0102' }, box(113.08, 23.0, 113.09, 23.01))] },
    });
    expect(reply).toMatchObject({ dryRun: true, imported: { community: 1 }, rejected: [] });
    expect(await count('area')).toBe(before);
    const neither = await errorOf(world.client.request(subjects.grid.area.import, {}));
    expect(fieldsOf(neither as GridworkError)).toEqual(['featureCollection', 'objectName']);
    const notCollection = await errorOf(world.client.request(subjects.grid.area.import, { featureCollection: { type: 'Feature' } as never }));
    expect(fieldsOf(notCollection as GridworkError)).toEqual(['featureCollection']);
  });

  it('imports a file uploaded to the GRID_IMPORTS object store', async () => {
    const bucket = await new Objm(world.nc).open(AREA_IMPORT_BUCKET);
    const collection = {
      type: 'FeatureCollection',
      features: [feature({ code: 'T010102', name: 'Community Two', level: 'community', parentCode: 'T0101' }, box(113.02, 23.0, 113.05, 23.05))],
    };
    await bucket.putBlob({ name: 'community-two.geojson' }, new TextEncoder().encode(JSON.stringify(collection)));
    const reply = await world.client.request(subjects.grid.area.import, { objectName: 'community-two.geojson' });
    expect(reply.imported.community).toBe(1);
    // A file of thousands of bad features: the reply lists the first ones, the bucket keeps the whole report.
    const bad = { type: 'FeatureCollection', features: Array.from({ length: 1_200 }, (_, i) => feature({ code: `BAD${i}`, name: 'x', level: 'grid' })) };
    await bucket.putBlob({ name: 'bad.geojson' }, new TextEncoder().encode(JSON.stringify(bad)));
    const report = await world.client.request(subjects.grid.area.import, { objectName: 'bad.geojson' });
    expect(report).toMatchObject({ received: 1_200, rejectedCount: 1_200 });
    expect(report.rejected).toHaveLength(500);
    const full = JSON.parse(new TextDecoder().decode((await bucket.getBlob(report.reportObjectName!))!));
    expect(full.rejected).toHaveLength(1_200);
    expect(full.rejected[1_199]).toMatchObject({ index: 1_199, code: 'BAD1199' });
    const missing = await errorOf(world.client.request(subjects.grid.area.import, { objectName: 'nothing-here.geojson' }));
    expect(missing?.code).toBe(ErrorCode.NOT_FOUND);
  });

  it('finds the grid and every ancestor of a point; a shared border answers the lowest code', async () => {
    const inside = await world.client.request(subjects.grid.area.locate, { longitude: 113.015, latitude: 23.01 });
    expect(inside.grid?.code).toBe('T01010102');
    expect(inside.areas.map((a) => a.code)).toEqual(['T0', 'T01', 'T0101', 'T010101', 'T01010102']);
    expect(inside.onBorder).toBe(false);
    for (let i = 0; i < 3; i++) {
      const border = await world.client.request(subjects.grid.area.locate, { longitude: 113.01, latitude: 23.01 });
      expect(border.grid?.code).toBe('T01010101');
      expect(border.onBorder).toBe(true);
    }
  });

  it('says when a point is outside every grid, with the areas that do hold it', async () => {
    const inDistrict = await world.client.request(subjects.grid.area.locate, { longitude: 112.96, latitude: 22.96 });
    expect(inDistrict.grid).toBeUndefined();
    expect(inDistrict.areas.map((a) => a.code)).toEqual(['T0', 'T01']);
    const nowhere = await world.client.request(subjects.grid.area.locate, { longitude: 0, latitude: 0 });
    expect(nowhere).toEqual({ longitude: 0, latitude: 0, areas: [], onBorder: false });
    const bad = await errorOf(world.client.request(subjects.grid.area.locate, { longitude: 200, latitude: -91 }));
    expect(bad?.details).toEqual([
      { field: 'longitude', messages: ['longitude 200 is out of range (-180..180)'] },
      { field: 'latitude', messages: ['latitude -91 is out of range (-90..90)'] },
    ]);
  });

  it('takes coordinates only as numbers, and says when they look swapped', async () => {
    const texts = await errorOf(world.client.request(subjects.grid.area.locate, { longitude: '113.015', latitude: '23.01' } as never));
    expect(texts?.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(texts?.details).toEqual([
      { field: 'longitude', messages: ['longitude must be a number of degrees from -180 to 180, not a string'] },
      { field: 'latitude', messages: ['latitude must be a number of degrees from -90 to 90, not a string'] },
    ]);
    const swapped = await errorOf(world.client.request(subjects.grid.area.locate, { longitude: 23.01, latitude: 113.015 }));
    expect(swapped?.details).toEqual([{ field: 'latitude', messages: ['latitude 113.015 is out of range (-90..90): longitude 23.01 and latitude 113.015 look swapped'] }]);
    const missing = await errorOf(world.client.request(subjects.grid.area.locate, { longitude: 113.015 } as never));
    expect(fieldsOf(missing)).toEqual(['latitude']);
    const found = await world.client.request(subjects.grid.area.locate, { longitude: 113.015, latitude: 23.01 });
    expect([typeof found.longitude, typeof found.latitude]).toEqual(['number', 'number']);
  });

  it('creates, renames, reshapes and lists areas, naming every wrong field and storing nothing then', async () => {
    const created = await world.client.request(subjects.grid.area.create, { code: 'T010103', name: 'Community Three', level: 'community', parentCode: 'T0101' });
    expect(created.path).toEqual(['T0', 'T01', 'T0101', 'T010103']);
    const renamed = await world.client.request(subjects.grid.area.update, { code: 'T010103', name: 'Community 3', boundary: box(113.0, 23.02, 113.02, 23.05) });
    expect(renamed).toMatchObject({ name: 'Community 3', bbox: [113, 23.02, 113.02, 23.05] });
    const fetched = await world.client.request(subjects.grid.area.get, { code: 'T010103', withBoundary: true });
    expect(fetched.boundary?.type).toBe('MultiPolygon');

    const before = await count('area');
    const invalid = await errorOf(
      world.client.request(subjects.grid.area.create, { code: '', name: '', level: 'grid' as never, boundary: { type: 'Point', coordinates: [1, 2] } as never }),
    );
    expect(fieldsOf(invalid as GridworkError)).toEqual(['boundary', 'code', 'level', 'name']);
    const crossed = await errorOf(
      world.client.request(subjects.grid.area.create, {
        code: 'X1',
        name: 'Crossed',
        level: 'community',
        parentCode: 'T0101',
        boundary: { type: 'Polygon', coordinates: [[[113.0, 23.0], [113.01, 23.01], [113.01, 23.0], [113.0, 23.01], [113.0, 23.0]]] },
      }),
    );
    expect(crossed?.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(crossed?.details?.[0]?.messages[0]).toMatch(/boundary is not a valid polygon: Self-intersection/);
    const wrongParent = await errorOf(world.client.request(subjects.grid.area.create, { code: 'X2', name: 'X', level: 'community', parentCode: 'T01' }));
    expect(wrongParent?.details?.[0]?.messages[0]).toMatch(/T01 is a district; a community's parent must be a township/);
    const duplicate = await errorOf(world.client.request(subjects.grid.area.create, { code: 'T0101', name: 'X', level: 'township', parentCode: 'T01' }));
    expect(duplicate?.code).toBe(ErrorCode.CONFLICT);
    const gridViaArea = await errorOf(world.client.request(subjects.grid.area.update, { code: 'T01010101', name: 'X' }));
    expect(gridViaArea?.code).toBe(ErrorCode.CONFLICT);
    expect(await count('area')).toBe(before);

    const first = await world.client.request(subjects.grid.area.children, { parentCode: 'T0101', limit: 2 });
    expect(first.items.map((a) => a.code)).toEqual(['T010101', 'T010102']);
    const second = await world.client.request(subjects.grid.area.children, { parentCode: 'T0101', after: first.nextAfter, limit: 2 });
    expect(second).toMatchObject({ items: [{ code: 'T010103' }] });
    expect(second.nextAfter).toBeUndefined();
    const roots = await world.client.request(subjects.grid.area.children, {});
    expect(roots.items.map((a) => a.code)).toEqual(['T0']);
  });
  it('is on a border only where two grids share an edge: not on an outer edge, not inside an overlap', async () => {
    // A community of its own with two grids that overlap between longitudes 113.04 and 113.045.
    const reply = await world.client.request(subjects.grid.area.import, {
      featureCollection: {
        type: 'FeatureCollection',
        features: [
          feature({ code: 'T010109', name: 'Community Nine', level: 'community', parentCode: 'T0101' }, box(113.03, 23.03, 113.05, 23.05)),
          feature({ code: 'T01010901', name: 'Nine West', level: 'grid', parentCode: 'T010109', population: 10, households: 5 }, box(113.03, 23.03, 113.045, 23.05)),
          feature({ code: 'T01010902', name: 'Nine East', level: 'grid', parentCode: 'T010109', population: 10, households: 5 }, box(113.04, 23.03, 113.05, 23.05)),
        ],
      },
    });
    expect(reply.rejectedCount).toBe(0);
    const at = (longitude: number, latitude: number) => world.client.request(subjects.grid.area.locate, { longitude, latitude });
    // The shared border of the two halves of the small city, and its corner on the community's edge.
    expect(await at(113.01, 23.01)).toMatchObject({ grid: { code: 'T01010101' }, onBorder: true });
    expect(await at(113.01, 23.0)).toMatchObject({ grid: { code: 'T01010101' }, onBorder: true });
    // Outer edges, which border no other grid.
    expect(await at(113.0, 23.01)).toMatchObject({ grid: { code: 'T01010101' }, onBorder: false });
    expect(await at(113.015, 23.02)).toMatchObject({ grid: { code: 'T01010102' }, onBorder: false });
    // Inside both overlapping grids, and on one's edge inside the other.
    expect(await at(113.042, 23.04)).toMatchObject({ grid: { code: 'T01010901' }, onBorder: false });
    expect(await at(113.04, 23.04)).toMatchObject({ grid: { code: 'T01010901' }, onBorder: false });
    expect(await at(113.045, 23.04)).toMatchObject({ grid: { code: 'T01010901' }, onBorder: false });
  });
});
