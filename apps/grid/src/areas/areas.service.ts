import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ErrorCode,
  GridworkError,
  parentLevelOf,
  subjects,
  type Area,
  type AreaLevel,
  type AreaPage,
  type Boundary,
  type CreateAreaRequest,
  type GetAreaRequest,
  type ListAreaChildrenRequest,
  type LocatePointReply,
  type LocatePointRequest,
  type UpdateAreaRequest,
} from '@gridwork/contracts';
import { publishInTransaction } from '@gridwork/messaging';
import { pageOf, preparedQuery } from '@gridwork/persistence';
import { isActiveGrid } from '../grid-lookups/active-grid.js';
import { assertValidBoundary, boundaryFromGeoJson, pointOf } from '../spatial/boundaries.js';
import { activeParent, areaColumns, inInputOrder, toArea, toAreaSummary, type AreaRow } from './area.rows.js';

/** The area tree: cities, districts, townships and communities (grids are in GridsService), and "where is this?". */
@Injectable()
export class AreasService {
  constructor(private readonly dataSource: DataSource) {}

  async create(request: CreateAreaRequest): Promise<Area> {
    return this.dataSource.transaction(async (em) => {
      const expectedParent = parentLevelOf(request.level);
      let path = [request.code];
      if (expectedParent) {
        if (!request.parentCode) throw GridworkError.validation([{ field: 'parentCode', messages: [`a ${request.level} needs its ${expectedParent}`] }]);
        const parent = await activeParent(em, request.parentCode, expectedParent, request.level);
        path = [...parent.path, request.code];
      } else if (request.parentCode) {
        throw GridworkError.validation([{ field: 'parentCode', messages: ['a city has no parent'] }]);
      }
      if (request.boundary) await assertValidBoundary(em, request.boundary, 'boundary');
      const [inserted] = await this.insert(
        em,
        [{ code: request.code, name: request.name, level: request.level, parentCode: request.parentCode ?? null, path, boundary: request.boundary ? JSON.stringify(request.boundary) : null }],
        { existing: 'skip', withBoundary: true },
      );
      if (!inserted) throw new GridworkError(ErrorCode.CONFLICT, `area ${request.code} already exists`);
      await publishInTransaction(em, subjects.grid.area.changed, { change: 'created', area: toAreaSummary(inserted) });
      return toArea(inserted);
    });
  }

  async update(request: UpdateAreaRequest): Promise<Area> {
    return this.dataSource.transaction(async (em) => {
      const [current] = await em.query<AreaRow[]>(`SELECT ${areaColumns()} FROM area a WHERE code = $1 FOR UPDATE`, [request.code]);
      if (!current) throw GridworkError.notFound(`area ${request.code}`);
      if (current.level === 'grid') throw new GridworkError(ErrorCode.CONFLICT, `area ${request.code} is a grid: change it with ${subjects.grid.grid.update.subject}`);
      if (request.boundary) await assertValidBoundary(em, request.boundary, 'boundary');
      const updated = await this.change(em, request.code, request.name, request.boundary, { withBoundary: true });
      await publishInTransaction(em, subjects.grid.area.changed, { change: 'updated', area: toAreaSummary(updated) });
      return toArea(updated);
    });
  }

  async get(request: GetAreaRequest): Promise<Area> {
    const [row] = await this.dataSource.query<AreaRow[]>(`SELECT ${areaColumns('a', request.withBoundary)} FROM area a WHERE code = $1`, [request.code]);
    if (!row) throw GridworkError.notFound(`area ${request.code}`);
    return toArea(row);
  }

  async children(request: ListAreaChildrenRequest): Promise<AreaPage> {
    if (request.parentCode) {
      const [parent] = await this.dataSource.query(`SELECT 1 FROM area WHERE code = $1`, [request.parentCode]);
      if (!parent) throw GridworkError.notFound(`area ${request.parentCode}`);
    }
    const limit = request.limit ?? 100;
    const rows = await this.dataSource.query<AreaRow[]>(
      `SELECT ${areaColumns()} FROM area a
        WHERE parent_code IS NOT DISTINCT FROM $1 AND ($2 OR retired_at IS NULL) AND code > $3
        ORDER BY code LIMIT $4`,
      [request.parentCode ?? null, request.includeRetired ?? false, request.after ?? '', limit + 1],
    );
    return pageOf(rows, limit, (row) => row.code, toAreaSummary);
  }

  /**
   * The active grid containing the point and its ancestors, in one round trip.
   * On a shared border, or where grids overlap, several grids hold the point;
   * the lowest code wins so every caller gets the same answer. The point is
   * on a border only when it lies on the edge of two or more of them: on one
   * grid's outer edge it is not, nor inside two overlapping grids.
   */
  async locate({ longitude, latitude }: LocatePointRequest): Promise<LocatePointReply> {
    const rows = await preparedQuery<AreaRow & { on_border: boolean }>(
      this.dataSource,
      'grid-locate',
      `WITH point AS (SELECT ${pointOf('$1', '$2')} AS geom),
            hit AS (
              SELECT a.code, a.path, NOT ST_Contains(a.boundary, point.geom) AS on_edge
                FROM area a, point
               WHERE ${isActiveGrid('a')} AND ST_Intersects(a.boundary, point.geom)),
            chosen AS (SELECT path, (SELECT count(*) FROM hit WHERE on_edge) > 1 AS on_border FROM hit ORDER BY code LIMIT 1)
       SELECT ${areaColumns()}, chosen.on_border
         FROM chosen JOIN area a ON a.code = ANY (chosen.path)
        ORDER BY array_length(a.path, 1)`,
      [longitude, latitude],
    );
    if (rows.length > 0) {
      const areas = rows.map(toAreaSummary);
      return { longitude, latitude, grid: areas[areas.length - 1], areas, onBorder: rows[0]!.on_border };
    }
    // Outside every grid: say which areas (with boundaries) hold the point, if any.
    const outer = await this.dataSource.query<AreaRow[]>(
      `WITH deepest AS (
         SELECT a.path FROM area a
          WHERE a.level <> 'grid' AND a.retired_at IS NULL AND ST_Intersects(a.boundary, ${pointOf('$1', '$2')})
          ORDER BY array_length(a.path, 1) DESC, a.code LIMIT 1)
       SELECT ${areaColumns()} FROM deepest JOIN area a ON a.code = ANY (deepest.path) ORDER BY array_length(a.path, 1)`,
      [longitude, latitude],
    );
    return { longitude, latitude, areas: outer.map(toAreaSummary), onBorder: false };
  }

  /*
   * The writes of the `area` table, for this service and in the caller's
   * transaction for grids (a grid is an area of level grid) and the import.
   */

  /**
   * Stores new areas in one statement, in the order given (callers put
   * parents before their children), and returns their rows in that order. With `existing: 'skip'` a code
   * already used is left out, so callers compare counts; with `'fail'` the
   * primary key refuses the statement.
   */
  async insert(em: EntityManager, areas: NewArea[], options: { existing: 'skip' | 'fail'; withBoundary?: boolean }): Promise<AreaRow[]> {
    if (areas.length === 0) return [];
    const rows = await em.query<AreaRow[]>(
      `INSERT INTO area (code, name, level, parent_code, path, boundary)
       SELECT f.code, f.name, f.level, f.parent_code, f.path, CASE WHEN f.boundary IS NULL THEN NULL ELSE ${boundaryFromGeoJson('f.boundary')} END
         FROM jsonb_to_recordset($1::jsonb) AS f(code text, name text, level text, parent_code text, path text[], boundary text)
       ${options.existing === 'skip' ? 'ON CONFLICT (code) DO NOTHING' : ''}
       RETURNING ${areaColumns('area', options.withBoundary)}`,
      [JSON.stringify(areas.map((area) => ({ code: area.code, name: area.name, level: area.level, parent_code: area.parentCode, path: area.path, boundary: area.boundary })))],
    );
    return inInputOrder(rows, areas);
  }

  /** Changes an area's name and boundary (an omitted one is kept) and returns its row, with the boundary if asked. */
  async change(em: EntityManager, code: string, name: string | undefined, boundary: Boundary | undefined, options: { withBoundary: boolean }): Promise<AreaRow> {
    // TypeORM answers an UPDATE with [rows, affected count].
    const [[updated]] = await em.query<[AreaRow[], number]>(
      `UPDATE area SET name = COALESCE($2, name),
              boundary = CASE WHEN $3::text IS NULL THEN boundary ELSE ${boundaryFromGeoJson('$3::text')} END,
              updated_at = now()
        WHERE code = $1
        RETURNING ${areaColumns('area', options.withBoundary)}`,
      [code, name ?? null, boundary ? JSON.stringify(boundary) : null],
    );
    if (!updated) throw GridworkError.notFound(`area ${code}`);
    return updated;
  }

  /** Retires areas: never deleted, so what was recorded against them can still be found. */
  async retire(em: EntityManager, codes: string[]): Promise<void> {
    await em.query(`UPDATE area SET retired_at = now(), updated_at = now() WHERE code = ANY ($1)`, [codes]);
  }
}

/** A new `area` row; `boundary` is GeoJSON text. */
export interface NewArea {
  code: string;
  name: string;
  level: AreaLevel;
  parentCode: string | null;
  path: string[];
  boundary: string | null;
}
