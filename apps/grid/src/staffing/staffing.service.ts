import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  AREA_LEVELS,
  GridworkError,
  WORKERS_PER_10K_RESIDENTS,
  type CommunityStaffing,
  type StaffingReport,
  type StaffingReportRequest,
} from '@gridwork/contracts';
import { compact } from '@gridwork/persistence';
import { today } from '@gridwork/local-time';

/** Area levels a staffing report can be asked for: a community or any area above one. */
const REPORT_LEVELS: readonly string[] = AREA_LEVELS.slice(0, AREA_LEVELS.indexOf('community') + 1);

/**
 * Per-community staffing on day $2 for the active communities under area $1,
 * starting after community $3 when given. "Required" is 18 per 10,000
 * residents rounded up: a community of 5,001 needs 10, not 9.
 */
const staffingSql = (paged: boolean) => `
  WITH communities AS (
    SELECT code, name FROM area
    -- path @> rather than = ANY (path), so the GIN index on area.path serves it.
    WHERE level = 'community' AND retired_at IS NULL AND path @> ARRAY[$1::text]
      ${paged ? 'AND ($3::text IS NULL OR code > $3) ORDER BY code LIMIT $4' : ''}
  ), grids AS (
    SELECT g.code, g.community_code, g.population
    FROM grid g JOIN area ga ON ga.code = g.code AND ga.retired_at IS NULL
    WHERE g.community_code IN (SELECT code FROM communities)
  ), serving AS (
    SELECT a.grid_code, a.worker_id, a.role FROM worker_assignment a JOIN grids g ON g.code = a.grid_code
    WHERE a.during @> $2::date
  ), per_grid AS (
    -- Joins and grouping rather than correlated subqueries on the CTEs: a whole city is one hash join.
    SELECT g.code, g.community_code, g.population,
           count(s.worker_id) > 0 AS has_worker,
           coalesce(bool_or(s.role = 'head'), false) AS has_head
    FROM grids g LEFT JOIN serving s ON s.grid_code = g.code
    GROUP BY g.code, g.community_code, g.population
  ), staffed AS (
    SELECT g.community_code, count(DISTINCT s.worker_id)::int AS actual
    FROM serving s JOIN grids g ON g.code = s.grid_code
    GROUP BY g.community_code
  ), counted AS (
    SELECT c.code, c.name,
           count(pg.code)::int AS active_grids,
           coalesce(sum(pg.population), 0)::bigint AS residents,
           coalesce(array_agg(pg.code ORDER BY pg.code) FILTER (WHERE pg.code IS NOT NULL AND NOT pg.has_worker), '{}') AS without_worker,
           coalesce(array_agg(pg.code ORDER BY pg.code) FILTER (WHERE pg.code IS NOT NULL AND NOT pg.has_head), '{}') AS without_head,
           coalesce(max(st.actual), 0)::int AS actual
    FROM communities c
    LEFT JOIN per_grid pg ON pg.community_code = c.code
    LEFT JOIN staffed st ON st.community_code = c.code
    GROUP BY c.code, c.name
  ), report AS (
    SELECT *, ceil(residents * ${WORKERS_PER_10K_RESIDENTS} / 10000.0)::int AS required FROM counted
  )`;

interface CommunityRow {
  code: string;
  name: string;
  active_grids: number;
  /** bigint, which node-postgres reads as text. */
  residents: string;
  without_worker: string[];
  without_head: string[];
  actual: number;
  required: number;
}

interface TotalsRow {
  communities: number;
  residents: string;
  required: number;
  actual: number;
  gap: number;
  grids_without_worker: number;
}

const communityOf = (r: CommunityRow): CommunityStaffing => ({
  communityCode: r.code,
  communityName: r.name,
  activeGrids: r.active_grids,
  residents: Number(r.residents),
  required: r.required,
  actual: r.actual,
  gap: Math.max(r.required - r.actual, 0),
  gridsWithoutWorker: r.without_worker,
  gridsWithoutHead: r.without_head,
});

/** The staffing report (18 workers per 10,000 residents): a page of communities and the totals of all under the area. */
@Injectable()
export class StaffingService {
  constructor(private readonly dataSource: DataSource) {}

  async report(request: StaffingReportRequest): Promise<StaffingReport> {
    const em = this.dataSource.manager;
    const [area] = await em.query(`SELECT level FROM area WHERE code = $1`, [request.areaCode]);
    if (!area) throw GridworkError.notFound(`area ${request.areaCode}`);
    if (!REPORT_LEVELS.includes(area.level)) {
      throw GridworkError.validation([{ field: 'areaCode', messages: [`areaCode is a ${area.level}; give a community or an area above one`] }]);
    }
    const on = request.on ?? today();
    const limit = request.limit ?? 100;
    const rows = await em.query<CommunityRow[]>(`${staffingSql(true)} SELECT * FROM report ORDER BY code`, [request.areaCode, on, request.after ?? null, limit + 1]);
    const [totals] = await em.query<TotalsRow[]>(
      `${staffingSql(false)}
       SELECT count(*)::int AS communities, coalesce(sum(residents), 0)::bigint AS residents,
              coalesce(sum(required), 0)::int AS required, coalesce(sum(actual), 0)::int AS actual,
              coalesce(sum(greatest(required - actual, 0)), 0)::int AS gap,
              coalesce(sum(cardinality(without_worker)), 0)::int AS grids_without_worker
       FROM report`,
      [request.areaCode, on],
    );
    const items = rows.slice(0, limit).map(communityOf);
    return compact({
      areaCode: request.areaCode,
      on,
      totals: {
        communities: totals!.communities,
        residents: Number(totals!.residents),
        required: totals!.required,
        actual: totals!.actual,
        gap: totals!.gap,
        gridsWithoutWorker: totals!.grids_without_worker,
      },
      items,
      nextAfter: rows.length > limit ? items[items.length - 1]!.communityCode : undefined,
    });
  }
}
