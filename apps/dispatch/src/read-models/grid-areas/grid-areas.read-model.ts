import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { preparedQuery } from '@gridwork/persistence';
import { workerOfGridSql } from '../grid-workers/grid-workers.read-model.js';
import type { KnownAreaRow } from './grid-areas.rows.js';

/** Where a report is: its grid, the path of its grid (or, in no grid, of the deepest area around its point; null when neither is known), whether its point gave the grid, and who serves the grid. */
export interface ReportPlace {
  grid: string | null;
  path: string[] | null;
  fromPoint: boolean;
  /** The grid's worker at the time asked (see `workerOfGridSql`), for a case that goes to the grid level. */
  worker: string | null;
}

export type KnownArea = Pick<KnownAreaRow, 'code' | 'level' | 'path' | 'retired'>;

/** Where cases are: grids found from points, and area paths, from dispatch's copy of the grid service's areas. */
@Injectable()
export class GridAreasReadModel {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Where each report is, in one query: the active grid containing its point
   * (the lowest code on a shared border, as the grid service answers), else
   * the reporter's grid when the read model knows it; with the grid's path
   * and its worker at `at`, so intake needs no second lookup for grid-level cases.
   */
  async locateReports(
    em: EntityManager,
    reports: { location?: { longitude: number; latitude: number }; gridCode?: string }[],
    at: Date,
  ): Promise<ReportPlace[]> {
    if (reports.length === 0) return [];
    const rows = await preparedQuery<{ code: string | null; path: string[] | null; from_point: boolean | null; worker: string | null }>(
      em,
      'known-places-of-reports',
      `SELECT g.code, COALESCE(g.path, above.path) AS path, g.from_point, (${workerOfGridSql('g.code', '$4')}) AS worker
         FROM unnest($1::float8[], $2::float8[], $3::text[]) WITH ORDINALITY AS r(lon, lat, given, i)
         LEFT JOIN LATERAL (
           SELECT code, path, from_point FROM (
             SELECT a.code, a.path, true AS from_point FROM known_area a
              WHERE r.lon IS NOT NULL AND a.level = 'grid' AND NOT a.retired
                AND ST_Intersects(a.boundary, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326))
             UNION ALL
             SELECT a.code, a.path, false FROM known_area a WHERE a.code = r.given AND a.level = 'grid' AND NOT a.retired
           ) candidate ORDER BY from_point DESC, code LIMIT 1) g ON true
         -- In no grid: the deepest area above grids around the point (a community, else its township, ...).
         LEFT JOIN LATERAL (
           SELECT a.path FROM known_area a
            WHERE g.code IS NULL AND r.lon IS NOT NULL AND a.level <> 'grid' AND NOT a.retired
              AND ST_Intersects(a.boundary, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326))
            ORDER BY cardinality(a.path) DESC, a.code LIMIT 1) above ON true
        ORDER BY r.i`,
      [
        reports.map((r) => r.location?.longitude ?? null),
        reports.map((r) => r.location?.latitude ?? null),
        reports.map((r) => r.gridCode ?? null),
        at.toISOString(),
      ],
    );
    return rows.map((row) => ({ grid: row.code, path: row.path, fromPoint: row.from_point === true, worker: row.worker }));
  }

  async areas(em: EntityManager, codes: string[]): Promise<Map<string, KnownArea>> {
    const rows = await preparedQuery<KnownArea>(em, 'known-areas-by-code', `SELECT code, level, path, retired FROM known_area WHERE code = ANY ($1)`, [[...new Set(codes)]]);
    return new Map(rows.map((row) => [row.code, row]));
  }

  async gridCount(em: EntityManager = this.dataSource.manager): Promise<number> {
    const [{ count }] = await em.query(`SELECT count(*)::int AS count FROM known_area WHERE level = 'grid' AND NOT retired`);
    return count;
  }
}
