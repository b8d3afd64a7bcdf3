import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ErrorCode,
  GridworkError,
  subjects,
  type CreateGridRequest,
  type FieldError,
  type GetGridRequest,
  type Grid,
  type GridPage,
  type GridChanged,
  type GridReshaped,
  type GridSummary,
  type ListGridsRequest,
  type MergeGridsRequest,
  type SplitGridRequest,
  type UpdateGridRequest,
} from '@gridwork/contracts';
import { publishInTransaction, publishManyInTransaction } from '@gridwork/messaging';
import { newId, pageOf } from '@gridwork/persistence';
import { activeParent, inInputOrder } from '../areas/area.rows.js';
import { AreasService } from '../areas/areas.service.js';
import { NetworksService } from '../networks/networks.service.js';
import { AssignmentsService } from '../workers/assignments.service.js';
import { isActiveGrid } from '../grid-lookups/active-grid.js';
import { assertValidBoundary, boundaryFromGeoJson } from '../spatial/boundaries.js';
import { gridColumns, gridOf, gridSummaryOf, type GridRow } from './grid.rows.js';

/** Slivers below this share of a grid's area (or 1 m²) are digitising noise when checking a split or a new grid. */
const SPLIT_TOLERANCE_SHARE = 1e-4;

/** Base grids: create, change, list, and reshape by split and merge with lineage. */
@Injectable()
export class GridsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly areas: AreasService,
    private readonly networks: NetworksService,
    private readonly assignments: AssignmentsService,
  ) {}

  async create(request: CreateGridRequest): Promise<Grid> {
    return this.dataSource.transaction(async (em) => {
      const community = await activeParent(em, request.communityCode, 'community', 'grid', 'communityCode');
      await assertValidBoundary(em, request.boundary, 'boundary');
      await assertFitsCommunity(em, request.communityCode, JSON.stringify(request.boundary));
      const [row] = await this.insertGrids(em, community.path, [{ ...request, boundary: JSON.stringify(request.boundary) }]);
      if (!row) throw new GridworkError(ErrorCode.CONFLICT, `area ${request.code} already exists`);
      await publishInTransaction(em, subjects.grid.grid.changed, { change: 'created', grid: gridSummaryOf(row) });
      return gridOf(row);
    });
  }

  async update(request: UpdateGridRequest): Promise<Grid> {
    return this.dataSource.transaction(async (em) => {
      const current = await lockActiveGrids(em, [request.code]);
      if (request.boundary) {
        await assertValidBoundary(em, request.boundary, 'boundary');
        // A redrawn grid still tiles its community: no overlap with its siblings (itself aside), nothing outside.
        await assertFitsCommunity(em, current[0]!.community_code, JSON.stringify(request.boundary), request.code);
      }
      await this.areas.change(em, request.code, request.name, request.boundary, { withBoundary: false });
      // `branchOrgId: null` clears the branch; leaving it out keeps it.
      const branch = request.branchOrgId === undefined ? current[0]!.branch_org_id : request.branchOrgId;
      await em.query(
        `UPDATE grid g SET population = COALESCE($2, g.population), households = COALESCE($3, g.households), branch_org_id = $4,
                area_square_metres = ST_Area(a.boundary::geography)
           FROM area a WHERE a.code = g.code AND g.code = $1`,
        [request.code, request.population ?? null, request.households ?? null, branch],
      );
      const row = await gridRow(em, request.code, true);
      await publishInTransaction(em, subjects.grid.grid.changed, { change: 'updated', grid: gridSummaryOf(row) });
      return gridOf(row);
    });
  }

  async get(request: GetGridRequest): Promise<Grid> {
    return gridOf(await gridRow(this.dataSource.manager, request.code, request.withBoundary ?? false));
  }

  async list(request: ListGridsRequest): Promise<GridPage> {
    const [area] = await this.dataSource.query(`SELECT 1 FROM area WHERE code = $1`, [request.areaCode]);
    if (!area) throw GridworkError.notFound(`area ${request.areaCode}`);
    const limit = request.limit ?? 100;
    const rows = await this.dataSource.query<GridRow[]>(
      `SELECT ${gridColumns()} FROM area a JOIN grid g ON g.code = a.code
        WHERE a.path @> ARRAY[$1::text] AND ($2 OR a.retired_at IS NULL) AND a.code > $3
        ORDER BY a.code LIMIT $4`,
      [request.areaCode, request.includeRetired ?? false, request.after ?? '', limit + 1],
    );
    return pageOf(rows, limit, (row) => row.code, gridSummaryOf);
  }

  /**
   * The parts must cover the old grid and not overlap each other (within a
   * sliver tolerance); the old grid is retired, never deleted.
   */
  async split(request: SplitGridRequest): Promise<GridReshaped> {
    return this.dataSource.transaction(async (em) => {
      const [old] = await lockActiveGrids(em, [request.code]);
      assertDistinctNewCodes(request.parts.map((part) => part.code), 'parts');
      assertSplitAddsUp(request, old!);
      for (const [i, part] of request.parts.entries()) await assertValidBoundary(em, part.boundary, `parts[${i}].boundary`);
      const boundaries = request.parts.map((part) => JSON.stringify(part.boundary));
      await assertPartsCoverGrid(em, request.code, old!.area_square_metres, boundaries);
      const community = await activeParent(em, old!.community_code, 'community', 'grid', 'communityCode');
      await this.areas.retire(em, [request.code]);
      const created = await this.insertGrids(
        em,
        community.path,
        request.parts.map((part, i) => ({ ...part, communityCode: old!.community_code, boundary: boundaries[i]! })),
      );
      if (created.length !== request.parts.length) throw new GridworkError(ErrorCode.CONFLICT, 'a part code is already used by another area');
      return this.recordReshape(em, 'split', [request.code], created, request.reason, request.carryAssignmentsTo);
    });
  }

  /** Grids of one community that touch become one grid; residents and households add up. */
  async merge(request: MergeGridsRequest): Promise<GridReshaped> {
    return this.dataSource.transaction(async (em) => {
      const codes = [...new Set(request.codes)];
      if (codes.length !== request.codes.length) throw GridworkError.validation([{ field: 'codes', messages: ['codes must be different grids'] }]);
      const grids = await lockActiveGrids(em, codes);
      const { communityCode, boundary } = await mergedShape(em, grids);
      const community = await activeParent(em, communityCode, 'community', 'grid', 'communityCode');
      await this.areas.retire(em, codes);
      const created = await this.insertGrids(em, community.path, [
        {
          ...request.into,
          communityCode,
          population: grids.reduce((sum, grid) => sum + grid.population, 0),
          households: grids.reduce((sum, grid) => sum + grid.households, 0),
          boundary,
        },
      ]);
      if (created.length !== 1) throw new GridworkError(ErrorCode.CONFLICT, `area ${request.into.code} already exists`);
      return this.recordReshape(em, 'merge', codes, created, request.reason, request.carryAssignments ? request.into.code : undefined);
    });
  }

  /**
   * The grid rows of grids whose `area` rows are stored, in one statement,
   * returned in the order given; the grid's area is measured from its stored
   * boundary. The import stores its grids' area rows itself and then these.
   */
  async insertGridRows(em: EntityManager, grids: GridFacts[], withBoundary = false): Promise<GridRow[]> {
    if (grids.length === 0) return [];
    const rows = await em.query<GridRow[]>(
      `WITH g AS (
         INSERT INTO grid (code, community_code, population, households, branch_org_id, area_square_metres)
         SELECT f.code, f.community_code, f.population, f.households, f.branch_org_id, ST_Area(a.boundary::geography)
           FROM jsonb_to_recordset($1::jsonb) AS f(code text, community_code text, population int, households int, branch_org_id uuid)
           JOIN area a ON a.code = f.code
         RETURNING *)
       SELECT ${gridColumns(withBoundary)} FROM g JOIN area a ON a.code = g.code`,
      [
        JSON.stringify(
          grids.map((grid) => ({
            code: grid.code,
            community_code: grid.communityCode,
            population: grid.population,
            households: grid.households,
            branch_org_id: grid.branchOrgId ?? null,
          })),
        ),
      ],
    );
    return inInputOrder(rows, grids);
  }

  /** Stores new grids under one community, their `area` rows through AreasService; codes already used are skipped, so callers compare counts. */
  private async insertGrids(em: EntityManager, communityPath: string[], grids: NewGrid[]): Promise<GridRow[]> {
    const areas = await this.areas.insert(
      em,
      grids.map((grid) => ({ code: grid.code, name: grid.name, level: 'grid', parentCode: grid.communityCode, path: [...communityPath, grid.code], boundary: grid.boundary })),
      { existing: 'skip' },
    );
    const stored = new Set(areas.map((area) => area.code));
    return this.insertGridRows(
      em,
      grids.filter((grid) => stored.has(grid.code)),
      true,
    );
  }

  /**
   * Records a split or merge: the lineage, the grids' events, the network
   * mappings moved to the new grids, and the retired grids' assignments
   * ended, or carried over to the new grid `carryTo`; the reshaped event,
   * last, says which.
   */
  private async recordReshape(em: EntityManager, kind: 'split' | 'merge', from: string[], created: GridRow[], reason: string, carryTo?: string): Promise<GridReshaped> {
    const [{ at }] = await em.query(
      `INSERT INTO grid_lineage (id, kind, from_codes, to_codes, reason) VALUES ($1, $2, $3, $4, $5) RETURNING at`,
      [newId(), kind, from, created.map((row) => row.code), reason],
    );
    const retired: GridChanged[] = [];
    for (const code of from) retired.push({ change: 'retired', grid: gridSummaryOf(await gridRow(em, code, false)) });
    const to: GridSummary[] = created.map(gridSummaryOf);
    // The retirements and the new grids before the assignments that name them.
    await publishManyInTransaction(em, subjects.grid.grid.changed, [...retired, ...to.map((grid): GridChanged => ({ change: 'created', grid }))]);
    await this.networks.moveMappings(em, from, to.map((grid) => grid.code));
    const into = to.map((grid) => grid.code).join(', ');
    const endedAssignments = await this.assignments.endOfRetiredGrids(em, from, `grid ${kind === 'split' ? 'split' : 'merged'} into ${into}: ${reason}`);
    const carriedAssignments = carryTo === undefined ? [] : await this.assignments.carryOver(em, endedAssignments, carryTo);
    const reshaped: GridReshaped = { kind, from, to, reason, at: (at as Date).toISOString(), endedAssignments, carriedAssignments };
    await publishInTransaction(em, subjects.grid.grid.reshaped, reshaped);
    return reshaped;
  }
}

/** What a `grid` row holds beside its `area` row. */
export interface GridFacts {
  code: string;
  communityCode: string;
  population: number;
  households: number;
  branchOrgId?: string;
}

/** A new grid: its `area` row's name and boundary (GeoJSON text) and its grid facts. */
interface NewGrid extends GridFacts {
  name: string;
  boundary: string;
}

/** Locks active grids for a change; NOT_FOUND or CONFLICT (retired) name the code. */
async function lockActiveGrids(em: EntityManager, codes: string[]): Promise<GridRow[]> {
  const rows = await em.query<GridRow[]>(
    `SELECT ${gridColumns()} FROM area a JOIN grid g ON g.code = a.code WHERE a.code = ANY ($1) ORDER BY a.code FOR UPDATE OF a, g`,
    [codes],
  );
  const missing = codes.filter((code) => !rows.some((row) => row.code === code));
  if (missing.length > 0) throw GridworkError.notFound(`grid ${missing.join(', ')}`);
  const retired = rows.filter((row) => row.retired_at);
  if (retired.length > 0) throw new GridworkError(ErrorCode.CONFLICT, `grid ${retired.map((row) => row.code).join(', ')} is retired`);
  return rows;
}

async function gridRow(em: EntityManager, code: string, withBoundary: boolean): Promise<GridRow> {
  const [row] = await em.query<GridRow[]>(`SELECT ${gridColumns(withBoundary)} FROM area a JOIN grid g ON g.code = a.code WHERE a.code = $1`, [code]);
  if (!row) throw GridworkError.notFound(`grid ${code}`);
  return row;
}

/**
 * A new or redrawn grid (`redrawn`, its own code, is then no sibling) tiles
 * its community with its siblings: it may not overlap an
 * active sibling grid or reach outside the community's boundary (when the
 * community has one), beyond the sliver tolerance of a split. Each fault is
 * named with its area; check-coverage reports the same faults of grids
 * already stored.
 */
async function assertFitsCommunity(em: EntityManager, communityCode: string, boundary: string, redrawn?: string): Promise<void> {
  const [fit] = await em.query<{ area: number; outside: number | null; overlaps: { code: string; area: number }[] | null }[]>(
    `WITH new AS (SELECT ${boundaryFromGeoJson('$2')} AS geom)
     SELECT ST_Area(new.geom::geography) AS area,
            (SELECT ST_Area(ST_Difference(new.geom, c.boundary)::geography) FROM area c WHERE c.code = $1 AND c.boundary IS NOT NULL) AS outside,
            (SELECT json_agg(json_build_object('code', s.code, 'area', ST_Area(ST_Intersection(new.geom, s.boundary)::geography)) ORDER BY s.code)
               FROM area s WHERE s.parent_code = $1 AND s.code IS DISTINCT FROM $3 AND ${isActiveGrid('s')} AND ST_Intersects(new.geom, s.boundary)) AS overlaps
       FROM new`,
    [communityCode, boundary, redrawn ?? null],
  );
  const tolerance = Math.max(1, fit!.area * SPLIT_TOLERANCE_SHARE);
  const messages = (fit!.overlaps ?? [])
    .filter((overlap) => overlap.area > tolerance)
    .map((overlap) => `overlaps grid ${overlap.code} by ${Math.round(overlap.area)} m²`);
  if (fit!.outside !== null && fit!.outside > tolerance) messages.push(`reaches ${Math.round(fit!.outside)} m² outside community ${communityCode}`);
  if (messages.length > 0) throw GridworkError.validation([{ field: 'boundary', messages }]);
}

/** A split shares out the old grid's residents and households: the parts' figures add up to its own, and the carried-to code is a part. */
function assertSplitAddsUp(request: SplitGridRequest, old: GridRow): void {
  const messages: string[] = [];
  for (const [figure, stored] of [['population', old.population], ['households', old.households]] as const) {
    const total = request.parts.reduce((sum, part) => sum + part[figure], 0);
    if (total !== stored) messages.push(`the parts' ${figure} add up to ${total}, but grid ${old.code} has ${stored}`);
  }
  const problems: FieldError[] = messages.length > 0 ? [{ field: 'parts', messages }] : [];
  if (request.carryAssignmentsTo !== undefined && !request.parts.some((part) => part.code === request.carryAssignmentsTo)) {
    problems.push({ field: 'carryAssignmentsTo', messages: [`carryAssignmentsTo must be one of the parts' codes, not ${request.carryAssignmentsTo}`] });
  }
  if (problems.length > 0) throw GridworkError.validation(problems);
}

function assertDistinctNewCodes(codes: string[], field: string): void {
  if (new Set(codes).size !== codes.length) throw GridworkError.validation([{ field, messages: ['new grid codes must be different'] }]);
}

/** The parts of a split must cover the old grid, stay inside it and not overlap; each failure is named. */
async function assertPartsCoverGrid(em: EntityManager, code: string, areaSquareMetres: number, boundaries: string[]): Promise<void> {
  const tolerance = Math.max(1, areaSquareMetres * SPLIT_TOLERANCE_SHARE);
  const [cover] = await em.query(
    `WITH part AS (SELECT i, ${boundaryFromGeoJson('p')} AS geom FROM unnest($2::text[]) WITH ORDINALITY AS t(p, i)),
          old AS (SELECT boundary FROM area WHERE code = $1),
          joined AS (SELECT ST_Union(geom) AS geom FROM part)
     SELECT ST_Area(ST_Difference(old.boundary, joined.geom)::geography) AS uncovered,
            ST_Area(ST_Difference(joined.geom, old.boundary)::geography) AS outside
       FROM old, joined`,
    [code, boundaries],
  );
  const overlaps: { first: string; second: string; area: number }[] = await em.query(
    `WITH part AS (SELECT i, ${boundaryFromGeoJson('p')} AS geom FROM unnest($1::text[]) WITH ORDINALITY AS t(p, i))
     SELECT x.i - 1 AS first, y.i - 1 AS second, ST_Area(ST_Intersection(x.geom, y.geom)::geography) AS area
       FROM part x JOIN part y ON x.i < y.i AND ST_Intersects(x.geom, y.geom)`,
    [boundaries],
  );
  const messages: string[] = [];
  if (cover.uncovered > tolerance) messages.push(`the parts leave ${Math.round(cover.uncovered)} m² of grid ${code} uncovered`);
  if (cover.outside > tolerance) messages.push(`the parts reach ${Math.round(cover.outside)} m² outside grid ${code}`);
  for (const overlap of overlaps.filter((o) => o.area > tolerance)) {
    messages.push(`parts[${overlap.first}] and parts[${overlap.second}] overlap by ${Math.round(overlap.area)} m²`);
  }
  if (messages.length > 0) throw GridworkError.validation([{ field: 'parts', messages }]);
}

/** The one community and the joined boundary (GeoJSON text) of grids to merge: they must share a community and touch. */
async function mergedShape(em: EntityManager, grids: GridRow[]): Promise<{ communityCode: string; boundary: string }> {
  const communities = [...new Set(grids.map((grid) => grid.community_code))];
  if (communities.length > 1) {
    throw GridworkError.validation([{ field: 'codes', messages: [`grids of one community only; these are in ${communities.join(', ')}`] }]);
  }
  const [{ pieces, boundary }] = await em.query(
    `SELECT ST_NumGeometries(joined) AS pieces, ST_AsGeoJSON(joined, 9) AS boundary FROM (SELECT ST_Union(boundary) AS joined FROM area WHERE code = ANY ($1)) u`,
    [grids.map((grid) => grid.code)],
  );
  if (pieces > 1) throw GridworkError.validation([{ field: 'codes', messages: ['the grids do not all touch: a merged grid must be one piece'] }]);
  return { communityCode: communities[0]!, boundary };
}
