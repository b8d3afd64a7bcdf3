import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ErrorCode,
  GridworkError,
  MAX_PATROL_LIST_DAYS,
  subjects,
  type FieldError,
  type GetPatrolRequest,
  type ListPatrolsRequest,
  type LogPatrolRequest,
  type LonLat,
  type Patrol,
  type PatrolCoverage,
  type PatrolCoverageRequest,
  type PatrolFinding,
  type PatrolPage,
  type PatrolSummary,
} from '@gridwork/contracts';
import { publishInTransaction } from '@gridwork/messaging';
import { newId, pageOf, pgErrorOf } from '@gridwork/persistence';
// Patrol days are calendar days in China Standard Time, as for worker assignments.
import { LOCAL_TIME_ZONE, localDay } from '@gridwork/local-time';
import { assertGridExists, lockActiveGrid } from '../grid-lookups/active-grid.js';

/** Clock skew allowed between a worker's phone and the server. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;
const MAX_DURATION_MS = 24 * 3_600_000;
const DEFAULT_PAGE = 100;

interface PatrolRow {
  id: string;
  grid_code: string;
  worker_id: string;
  worker_name: string;
  date: string;
  started_at: Date;
  ended_at: Date;
  route_points: number;
  distance_metres: number | null;
  finding_count: number;
  case_reported: boolean;
  case_reference: string | null;
  logged_at: Date;
  route?: string | null;
}

const columns = (withRoute = false) => `p.id, p.grid_code, p.worker_id, w.name AS worker_name, to_char(p.patrol_date, 'YYYY-MM-DD') AS date,
  p.started_at, p.ended_at, p.route_points, p.distance_metres, p.case_reported, p.case_reference, p.logged_at,
  (SELECT count(*)::int FROM patrol_finding f WHERE f.patrol_id = p.id) AS finding_count
  ${withRoute ? ', ST_AsGeoJSON(p.route, 7) AS route' : ''}`;

function summaryOf(row: PatrolRow): PatrolSummary {
  const summary: PatrolSummary = {
    id: row.id,
    gridCode: row.grid_code,
    workerId: row.worker_id,
    workerName: row.worker_name,
    date: row.date,
    startedAt: row.started_at.toISOString(),
    endedAt: row.ended_at.toISOString(),
    durationMinutes: Math.round((row.ended_at.getTime() - row.started_at.getTime()) / 60_000),
    routePoints: row.route_points,
    findingCount: row.finding_count,
    caseReported: row.case_reported,
    loggedAt: row.logged_at.toISOString(),
  };
  if (row.distance_metres !== null) summary.distanceMetres = Math.round(row.distance_metres * 10) / 10;
  if (row.case_reference) summary.caseReference = row.case_reference;
  return summary;
}

const daysBetween = (from: string, to: string) => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;

/** Problems a request can have that its class cannot see: times against each other, the day and the clock. */
function timingProblems(request: LogPatrolRequest): FieldError[] {
  const problems: FieldError[] = [];
  const started = new Date(request.startedAt);
  const ended = new Date(request.endedAt);
  const latest = Date.now() + FUTURE_TOLERANCE_MS;
  if (localDay(started) !== request.date) {
    problems.push({ field: 'date', messages: [`must be the day the patrol started in China Standard Time: ${localDay(started)}`] });
  }
  if (started.getTime() > latest) problems.push({ field: 'startedAt', messages: ['is in the future'] });
  if (ended.getTime() <= started.getTime()) problems.push({ field: 'endedAt', messages: ['must be after startedAt'] });
  else if (ended.getTime() - started.getTime() > MAX_DURATION_MS) problems.push({ field: 'endedAt', messages: ['a patrol lasts at most 24 hours'] });
  else if (ended.getTime() > latest) problems.push({ field: 'endedAt', messages: ['is in the future'] });
  if (request.caseReference !== undefined && !request.caseReported) {
    problems.push({ field: 'caseReference', messages: ['only when caseReported is true'] });
  }
  return problems;
}

/** The `patrol` aggregate: logging daily patrols, reading them back, and a community's coverage on a day. */
@Injectable()
export class PatrolsService {
  constructor(private readonly dataSource: DataSource) {}

  async log(request: LogPatrolRequest): Promise<Patrol> {
    const problems = timingProblems(request);
    if (problems.length > 0) throw GridworkError.validation(problems);
    const findings = request.findings ?? [];
    try {
      return await this.dataSource.transaction(async (em) => {
        const grid = await lockActiveGrid(em, request.gridCode);
        assertGridExisted(request, grid.createdAt);
        await assertWorkerServing(em, request.workerId, request.date);
        await assertRecordsExist(em, findings);
        await assertNotOnPatrol(em, request);
        const id = await insertPatrol(em, request, findings);
        const patrol = await selectPatrol(em, id);
        const { route: _route, findings: _findings, ...summary } = patrol;
        await publishInTransaction(em, subjects.grid.patrol.logged, { patrol: summary, findings: patrol.findings });
        return patrol;
      });
    } catch (error) {
      // Two logs of overlapping patrols racing: the constraint refused the later one.
      if (pgErrorOf(error).code === '23P01') {
        throw new GridworkError(ErrorCode.CONFLICT, `worker ${request.workerId} already has a patrol overlapping ${request.startedAt} to ${request.endedAt}`);
      }
      throw error;
    }
  }

  get(request: GetPatrolRequest): Promise<Patrol> {
    return selectPatrol(this.dataSource.manager, request.id);
  }

  async list(request: ListPatrolsRequest): Promise<PatrolPage> {
    const problems: FieldError[] = [];
    if (!request.gridCode && !request.workerId) problems.push({ field: 'gridCode', messages: ['give gridCode, workerId or both'] });
    const span = daysBetween(request.from, request.to);
    if (span < 0) problems.push({ field: 'to', messages: ['must not be before from'] });
    if (span >= MAX_PATROL_LIST_DAYS) problems.push({ field: 'to', messages: [`must be within ${MAX_PATROL_LIST_DAYS} days of from`] });
    if (problems.length > 0) throw GridworkError.validation(problems);
    const em = this.dataSource.manager;
    if (request.gridCode) await assertGridExists(em, request.gridCode);
    if (request.workerId) {
      const [worker] = await em.query(`SELECT 1 FROM worker WHERE id = $1`, [request.workerId]);
      if (!worker) throw GridworkError.notFound(`worker ${request.workerId}`);
    }
    const limit = request.limit ?? DEFAULT_PAGE;
    const rows = await em.query<PatrolRow[]>(
      `SELECT ${columns()} FROM patrol p JOIN worker w ON w.id = p.worker_id
        WHERE ($1::text IS NULL OR p.grid_code = $1)
          AND ($2::uuid IS NULL OR p.worker_id = $2)
          AND p.patrol_date BETWEEN $3 AND $4
          AND ($5::uuid IS NULL OR (p.started_at, p.id) > (SELECT started_at, id FROM patrol WHERE id = $5))
        ORDER BY p.started_at, p.id
        LIMIT $6`,
      [request.gridCode ?? null, request.workerId ?? null, request.from, request.to, request.after ?? null, limit + 1],
    );
    return pageOf(rows, limit, (row) => row.id, summaryOf);
  }

  /**
   * The grids that existed on the day: created before it ended and not
   * retired before it began (China Standard Time). A grid created later is
   * not listed, so ground is not counted both in the grid it replaced and in
   * its parts; on the day of a split or merge itself both stood and both are.
   */
  async coverage(request: PatrolCoverageRequest): Promise<PatrolCoverage> {
    const [community] = await this.dataSource.query(`SELECT 1 FROM area WHERE code = $1 AND level = 'community'`, [request.communityCode]);
    if (!community) throw GridworkError.notFound(`community ${request.communityCode}`);
    const rows = await this.dataSource.query<{ code: string; name: string; patrols: number; workers: number; findings: number; cases: number }[]>(
      `SELECT a.code, a.name, count(p.id)::int AS patrols, count(DISTINCT p.worker_id)::int AS workers,
              coalesce(sum(f.n), 0)::int AS findings, (count(p.id) FILTER (WHERE p.case_reported))::int AS cases
         FROM grid g
         JOIN area a ON a.code = g.code AND a.level = 'grid'
         LEFT JOIN patrol p ON p.grid_code = g.code AND p.patrol_date = $2::date
         LEFT JOIN LATERAL (SELECT count(*) AS n FROM patrol_finding WHERE patrol_id = p.id) f ON true
        WHERE g.community_code = $1
          AND a.created_at < ($2::date + 1)::timestamp AT TIME ZONE '${LOCAL_TIME_ZONE}'
          AND (a.retired_at IS NULL OR a.retired_at >= ($2::date)::timestamp AT TIME ZONE '${LOCAL_TIME_ZONE}')
        GROUP BY a.code, a.name
        ORDER BY a.code`,
      [request.communityCode, request.date],
    );
    const grids = rows.map((r) => ({ gridCode: r.code, name: r.name, patrols: r.patrols, workers: r.workers, findings: r.findings, casesReported: r.cases }));
    return {
      communityCode: request.communityCode,
      date: request.date,
      grids,
      patrolledGrids: grids.filter((g) => g.patrols > 0).length,
      notPatrolled: grids.filter((g) => g.patrols === 0).map((g) => g.gridCode),
    };
  }
}

async function selectPatrol(em: EntityManager, id: string): Promise<Patrol> {
  const [row] = await em.query<PatrolRow[]>(`SELECT ${columns(true)} FROM patrol p JOIN worker w ON w.id = p.worker_id WHERE p.id = $1`, [id]);
  if (!row) throw GridworkError.notFound(`patrol ${id}`);
  const findings = await em.query<{ text: string; base_record_id: string | null }[]>(
    `SELECT text, base_record_id FROM patrol_finding WHERE patrol_id = $1 ORDER BY position`,
    [id],
  );
  const patrol: Patrol = {
    ...summaryOf(row),
    findings: findings.map((f) => (f.base_record_id ? { text: f.text, baseRecordId: f.base_record_id } : { text: f.text })),
  };
  if (row.route) patrol.route = (JSON.parse(row.route) as { coordinates: LonLat[] }).coordinates;
  return patrol;
}

/** A patrol on a grid cannot start before the grid was created (a grid from a split did not exist the day before). */
function assertGridExisted(request: LogPatrolRequest, createdAt: Date): void {
  if (Date.parse(request.startedAt) < createdAt.getTime()) {
    throw new GridworkError(
      ErrorCode.CONFLICT,
      `grid ${request.gridCode} was created at ${createdAt.toISOString()}; a patrol starting at ${request.startedAt} was before it existed`,
    );
  }
}

/** The worker exists, was hired by the patrol's day and had not left; the share lock keeps them from leaving meanwhile. */
async function assertWorkerServing(em: EntityManager, workerId: string, date: string): Promise<void> {
  const [worker] = await em.query<{ name: string; hired_on: string; left_on: string | null }[]>(
    `SELECT name, to_char(hired_on, 'YYYY-MM-DD') AS hired_on, to_char(left_on, 'YYYY-MM-DD') AS left_on FROM worker WHERE id = $1 FOR SHARE`,
    [workerId],
  );
  if (!worker) throw GridworkError.notFound(`worker ${workerId}`);
  if (worker.hired_on > date) {
    throw new GridworkError(ErrorCode.CONFLICT, `worker ${workerId} (${worker.name}) was hired on ${worker.hired_on} and cannot patrol on ${date}`);
  }
  if (worker.left_on && worker.left_on <= date) {
    throw new GridworkError(ErrorCode.CONFLICT, `worker ${workerId} (${worker.name}) left on ${worker.left_on} and cannot patrol on ${date}`);
  }
}

/** A worker is on one patrol at a time; the exclusion constraint is the backstop for two logs racing. */
async function assertNotOnPatrol(em: EntityManager, request: LogPatrolRequest): Promise<void> {
  const [overlapping] = await em.query<{ id: string; started_at: Date; ended_at: Date }[]>(
    `SELECT id, started_at, ended_at FROM patrol WHERE worker_id = $1 AND tstzrange(started_at, ended_at) && tstzrange($2, $3) LIMIT 1`,
    [request.workerId, request.startedAt, request.endedAt],
  );
  if (overlapping) {
    throw new GridworkError(
      ErrorCode.CONFLICT,
      `worker ${request.workerId} was on patrol ${overlapping.id} from ${overlapping.started_at.toISOString()} to ${overlapping.ended_at.toISOString()}`,
    );
  }
}

/** Stores the patrol, its route measured on the spheroid, and its findings in their order; returns its id. */
async function insertPatrol(em: EntityManager, request: LogPatrolRequest, findings: PatrolFinding[]): Promise<string> {
  const id = newId();
  const route = request.route ? JSON.stringify({ type: 'LineString', coordinates: request.route }) : null;
  await em.query(
    `WITH line AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON($7::text), 4326) AS geom)
     INSERT INTO patrol (id, grid_code, worker_id, patrol_date, started_at, ended_at, route, route_points, distance_metres,
                         case_reported, case_reference, logged_at)
     SELECT $1, $2, $3, $4, $5, $6, line.geom, $8, ST_Length(line.geom::geography), $9, $10, now() FROM line`,
    [id, request.gridCode, request.workerId, request.date, request.startedAt, request.endedAt, route, request.route?.length ?? 0, request.caseReported, request.caseReference ?? null],
  );
  if (findings.length > 0) {
    await em.query(
      `INSERT INTO patrol_finding (patrol_id, position, text, base_record_id)
       SELECT $1, position - 1, text, base_record_id FROM unnest($2::text[], $3::uuid[]) WITH ORDINALITY AS f(text, base_record_id, position)`,
      [id, findings.map((f) => f.text), findings.map((f) => f.baseRecordId ?? null)],
    );
  }
  return id;
}

async function assertRecordsExist(em: EntityManager, findings: PatrolFinding[]): Promise<void> {
  const ids = [...new Set(findings.flatMap((f) => (f.baseRecordId ? [f.baseRecordId.toLowerCase()] : [])))];
  if (ids.length === 0) return;
  const found = await em.query<{ id: string }[]>(`SELECT id FROM base_record WHERE id = ANY($1::uuid[])`, [ids]);
  const missing = ids.filter((id) => !found.some((row) => row.id === id));
  if (missing.length > 0) throw GridworkError.notFound(`base-information record ${missing.join(', ')}`);
}
