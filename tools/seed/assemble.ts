import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { Cells } from './cells.js';
import { AREA_LEVELS, parentLevelOf, type AreaLevel } from '@gridwork/contracts';
import type { AreaNode, Tree } from './tree.js';

/*
 * PostGIS turns the cell assignment into boundaries (each grid the union of
 * its cells, each parent the union of its children), checks the result and
 * writes the GeoJSON FeatureCollection, parents before children.
 */


/** Integer micro-degrees as an exact decimal. */
function micro(value: number): string {
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  return `${sign}${Math.floor(abs / 1e6)}.${String(abs % 1e6).padStart(6, '0')}`;
}

function cellWkt(cells: Cells, i: number): string {
  const from = cells.ringStart[i]!;
  const to = cells.ringStart[i + 1]!;
  const parts: string[] = [];
  for (let v = from; v < to; v++) parts.push(`${micro(cells.coords[2 * v]!)} ${micro(cells.coords[2 * v + 1]!)}`);
  parts.push(parts[0]!);
  return `POLYGON((${parts.join(',')}))`;
}

export async function assemble(db: pg.Client, cells: Cells, tree: Tree, log: (line: string) => void): Promise<void> {
  await db.query('DROP TABLE IF EXISTS seed_cell, seed_area');
  await db.query('CREATE UNLOGGED TABLE seed_cell (id int PRIMARY KEY, grid int NOT NULL, geom geometry(Polygon, 4326) NOT NULL)');
  const CHUNK = 20_000;
  const n = cells.graph.n;
  for (let start = 0; start < n; start += CHUNK) {
    const ids: number[] = [];
    const wkts: string[] = [];
    const grids: number[] = [];
    for (let i = start; i < Math.min(n, start + CHUNK); i++) {
      ids.push(i);
      wkts.push(cellWkt(cells, i));
      grids.push(tree.gridOf[i]!);
    }
    await db.query(
      `INSERT INTO seed_cell SELECT id, grid, ST_GeomFromText(wkt, 4326) FROM unnest($1::int[], $2::int[], $3::text[]) AS t(id, grid, wkt)`,
      [ids, grids, wkts],
    );
  }
  const [{ invalid }] = (await db.query<{ invalid: number }>('SELECT count(*)::int AS invalid FROM seed_cell WHERE NOT ST_IsValid(geom)')).rows as [
    { invalid: number },
  ];
  if (invalid > 0) throw new Error(`${invalid} fine cells are invalid after snapping`);

  await db.query(`CREATE UNLOGGED TABLE seed_area (
      code text PRIMARY KEY, level text NOT NULL, parent_code text, name text NOT NULL,
      population int, households int, grid int, geom geometry(Geometry, 4326))`);
  const nodes: (AreaNode & { grid?: number })[] = [
    tree.city,
    ...tree.districts,
    ...tree.townships,
    ...tree.communities,
    ...tree.grids.map((g, i) => ({ ...g, grid: i })),
  ];
  for (let start = 0; start < nodes.length; start += CHUNK) {
    const batch = nodes.slice(start, start + CHUNK);
    await db.query(
      `INSERT INTO seed_area (code, level, parent_code, name, population, households, grid)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::int[])`,
      [
        batch.map((a) => a.code),
        batch.map((a) => a.level),
        batch.map((a) => a.parentCode ?? null),
        batch.map((a) => a.name),
        batch.map((a) => a.population ?? null),
        batch.map((a) => a.households ?? null),
        batch.map((a) => a.grid ?? null),
      ],
    );
  }
  await db.query('CREATE INDEX ON seed_area (grid)');
  await db.query('CREATE INDEX ON seed_area (parent_code)');

  let t = performance.now();
  await db.query(`UPDATE seed_area a SET geom = u.geom
                    FROM (SELECT grid, ST_Union(geom) AS geom FROM seed_cell GROUP BY grid) u
                   WHERE a.level = 'grid' AND a.grid = u.grid`);
  log(`  grids: union of cells ${((performance.now() - t) / 1000).toFixed(1)} s`);
  // Bottom-up, each level the union of its children: community from grids, up to the city from districts.
  for (const child of [...AREA_LEVELS].reverse().slice(0, -1)) {
    const parent = parentLevelOf(child)!;
    t = performance.now();
    await db.query(
      `UPDATE seed_area p SET geom = u.geom
         FROM (SELECT parent_code, ST_Union(geom) AS geom FROM seed_area WHERE level = $1 GROUP BY parent_code) u
        WHERE p.level = $2 AND p.code = u.parent_code`,
      [child, parent],
    );
    log(`  ${parent === 'city' ? 'city' : `${parent}s`}: union of ${child}s ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  await db.query('CREATE INDEX ON seed_area USING gist (geom)');
  await db.query('ANALYZE seed_area');
}

export interface LevelReport {
  level: AreaLevel;
  count: number;
  invalid: number;
  notPolygon: number;
  withHoles: number;
  /** Positions per boundary. */
  meanPositions: number;
  maxPositions: number;
  /** Area in km², on the spheroid. */
  minKm2: number;
  medianKm2: number;
  maxKm2: number;
}

export interface Verification {
  levels: LevelReport[];
  /** Sibling pairs whose interiors intersect. */
  overlappingSiblings: number;
  /** Children not covered by their parent. */
  outsideParent: number;
  /** Largest |parent area − sum of children's areas| / parent area. */
  worstCoverageGap: number;
  missingGeometry: number;
  extent: [number, number, number, number];
}

export async function verify(db: pg.Client): Promise<Verification> {
  const { rows: levelRows } = await db.query<{
    level: AreaLevel;
    count: number;
    invalid: number;
    not_polygon: number;
    with_holes: number;
    mean_positions: number;
    max_positions: number;
    min_km2: number;
    median_km2: number;
    max_km2: number;
  }>(`SELECT level, count(*)::int AS count,
             count(*) FILTER (WHERE NOT ST_IsValid(geom))::int AS invalid,
             count(*) FILTER (WHERE GeometryType(geom) <> 'POLYGON')::int AS not_polygon,
             count(*) FILTER (WHERE GeometryType(geom) = 'POLYGON' AND ST_NumInteriorRings(geom) > 0)::int AS with_holes,
             avg(ST_NPoints(geom))::float8 AS mean_positions, max(ST_NPoints(geom))::int AS max_positions,
             min(ST_Area(geom::geography) / 1e6)::float8 AS min_km2,
             (percentile_cont(0.5) WITHIN GROUP (ORDER BY ST_Area(geom::geography)) / 1e6)::float8 AS median_km2,
             max(ST_Area(geom::geography) / 1e6)::float8 AS max_km2
        FROM seed_area WHERE geom IS NOT NULL GROUP BY level`);
  const levels = AREA_LEVELS.map((level) => {
    const r = levelRows.find((row) => row.level === level);
    return {
      level,
      count: r?.count ?? 0,
      invalid: r?.invalid ?? 0,
      notPolygon: r?.not_polygon ?? 0,
      withHoles: r?.with_holes ?? 0,
      meanPositions: r?.mean_positions ?? 0,
      maxPositions: r?.max_positions ?? 0,
      minKm2: r?.min_km2 ?? 0,
      medianKm2: r?.median_km2 ?? 0,
      maxKm2: r?.max_km2 ?? 0,
    };
  });
  const one = async (sql: string) => Number((await db.query<{ v: number }>(sql)).rows[0]!.v);
  const overlappingSiblings = await one(`SELECT count(*) AS v FROM seed_area a JOIN seed_area b
      ON a.parent_code = b.parent_code AND a.code < b.code AND a.geom && b.geom
   WHERE ST_Relate(a.geom, b.geom, '2********')`);
  const outsideParent = await one(`SELECT count(*) AS v FROM seed_area c JOIN seed_area p ON p.code = c.parent_code
   WHERE NOT ST_CoveredBy(c.geom, p.geom)`);
  const worstCoverageGap = await one(`SELECT coalesce(max(abs(ST_Area(p.geom) - s.area) / ST_Area(p.geom)), 0) AS v
      FROM seed_area p JOIN (SELECT parent_code, sum(ST_Area(geom)) AS area FROM seed_area GROUP BY parent_code) s ON s.parent_code = p.code`);
  const missingGeometry = await one(`SELECT count(*) AS v FROM seed_area WHERE geom IS NULL`);
  const e = (await db.query<{ w: number; s: number; e: number; n: number }>(
    `SELECT ST_XMin(geom) AS w, ST_YMin(geom) AS s, ST_XMax(geom) AS e, ST_YMax(geom) AS n FROM seed_area WHERE level = 'city'`,
  )).rows[0]!;
  return { levels, overlappingSiblings, outsideParent, worstCoverageGap, missingGeometry, extent: [e.w, e.s, e.e, e.n] };
}

/** Writes the FeatureCollection, one feature a line; returns the number of features. */
export async function writeFeatureCollection(db: pg.Client, path: string): Promise<number> {
  const out = createWriteStream(path);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('{"type":"FeatureCollection","features":[\n');
  let written = 0;
  for (const level of AREA_LEVELS) {
    const { rows } = await db.query<{
      code: string;
      name: string;
      parent_code: string | null;
      population: number | null;
      households: number | null;
      geometry: string;
    }>(
      `SELECT code, name, parent_code, population, households, ST_AsGeoJSON(ST_ForcePolygonCCW(geom), 6) AS geometry
         FROM seed_area WHERE level = $1 ORDER BY code`,
      [level],
    );
    for (const row of rows) {
      const properties: Record<string, unknown> = { code: row.code, name: row.name, level };
      if (row.parent_code !== null) properties.parentCode = row.parent_code;
      if (row.population !== null) properties.population = row.population;
      if (row.households !== null) properties.households = row.households;
      await write(`${written === 0 ? '' : ',\n'}{"type":"Feature","properties":${JSON.stringify(properties)},"geometry":${row.geometry}}`);
      written++;
    }
  }
  await write('\n]}\n');
  out.end();
  await once(out, 'finish');
  return written;
}
