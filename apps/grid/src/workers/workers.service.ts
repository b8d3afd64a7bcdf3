import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ErrorCode,
  GridworkError,
  WORKERS_PER_10K_RESIDENTS,
  subjects,
  type AssignWorkerRequest,
  type AssignmentPage,
  type CommunityStaffing,
  type EndAssignmentRequest,
  type LeaveWorkerRequest,
  type ListAssignmentsRequest,
  type ListWorkersRequest,
  type RegisterWorkerRequest,
  type StaffingReport,
  type StaffingReportRequest,
  type UpdateWorkerRequest,
  type Worker,
  type WorkerAssignment,
  type WorkerPage,
  type WorkerSummary,
} from '@gridwork/contracts';
import { publishInTransaction, publishManyInTransaction } from '@gridwork/messaging';
import { compact, newId, pageOf, pgErrorOf } from '@gridwork/persistence';
import { WORKER_COLUMNS, workerIn, type WorkerRow } from './worker.rows.js';
import { today } from '@gridwork/local-time';

const events = subjects.grid.worker;

const ASSIGNMENT_SELECT = `
  SELECT a.id, a.worker_id, w.name AS worker_name, w.employment, a.grid_code, g.community_code, a.role,
         a.started_on::text AS started_on, a.ended_on::text AS ended_on, a.end_reason
  FROM worker_assignment a JOIN worker w ON w.id = a.worker_id JOIN grid g ON g.code = a.grid_code`;


interface AssignmentRow {
  id: string;
  worker_id: string;
  worker_name: string;
  employment: WorkerAssignment['employment'];
  grid_code: string;
  community_code: string;
  role: WorkerAssignment['role'];
  started_on: string;
  ended_on: string | null;
  end_reason: string | null;
}

const summaryOf = (r: WorkerRow): WorkerSummary =>
  compact({
    id: r.id,
    name: r.name,
    employment: r.employment,
    phone: r.phone,
    gender: r.gender,
    birthDate: r.birth_date,
    communityCode: r.community_code,
    hiredOn: r.hired_on,
    leftOn: r.left_on,
    leaveReason: r.leave_reason,
  }) as WorkerSummary;

const assignmentOf = (r: AssignmentRow): WorkerAssignment =>
  compact({
    id: r.id,
    workerId: r.worker_id,
    workerName: r.worker_name,
    employment: r.employment,
    gridCode: r.grid_code,
    communityCode: r.community_code,
    role: r.role,
    startedOn: r.started_on,
    endedOn: r.ended_on,
    endReason: r.end_reason,
  }) as WorkerAssignment;

/** Area levels a staffing report can be asked for. */
const REPORT_LEVELS = ['city', 'district', 'township', 'community'];

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

@Injectable()
export class WorkersService {
  constructor(private readonly dataSource: DataSource) {}

  async register(request: RegisterWorkerRequest): Promise<Worker> {
    return this.dataSource.transaction(async (em) => {
      if (request.communityCode !== undefined) await this.requireCommunity(em, request.communityCode);
      const hiredOn = request.hiredOn ?? today();
      if (request.birthDate !== undefined && request.birthDate >= hiredOn) {
        throw GridworkError.validation([{ field: 'birthDate', messages: ['birthDate must be before hiredOn'] }]);
      }
      const id = newId();
      await em.query(
        `INSERT INTO worker (id, name, employment, phone, gender, birth_date, community_code, hired_on)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [id, request.name, request.employment, request.phone ?? null, request.gender ?? null, request.birthDate ?? null, request.communityCode ?? null, hiredOn],
      );
      const worker = await workerIn(em, id);
      await publishInTransaction(em, events.changed, { change: 'registered', worker: summaryOf(worker) });
      return { ...summaryOf(worker), currentAssignments: [] };
    });
  }

  async update(request: UpdateWorkerRequest): Promise<Worker> {
    return this.dataSource.transaction(async (em) => {
      const current = await workerIn(em, request.id, true);
      if (current.left_on !== null) throw new GridworkError(ErrorCode.CONFLICT, `worker ${request.id} left on ${current.left_on}`);
      if (request.communityCode !== undefined) await this.requireCommunity(em, request.communityCode);
      await em.query(
        `UPDATE worker SET name = coalesce($2, name), employment = coalesce($3, employment),
                phone = CASE WHEN $4::boolean THEN $5 ELSE phone END,
                gender = coalesce($6, gender), birth_date = coalesce($7::date, birth_date),
                community_code = coalesce($8, community_code), updated_at = now()
         WHERE id = $1`,
        [
          request.id,
          request.name ?? null,
          request.employment ?? null,
          request.phone !== undefined,
          request.phone ?? null,
          request.gender ?? null,
          request.birthDate ?? null,
          request.communityCode ?? null,
        ],
      );
      const worker = await workerIn(em, request.id);
      await publishInTransaction(em, events.changed, { change: 'updated', worker: summaryOf(worker) });
      return this.withAssignments(em, worker);
    });
  }

  async leave(request: LeaveWorkerRequest): Promise<Worker> {
    return this.dataSource.transaction(async (em) => {
      const current = await workerIn(em, request.id, true);
      if (current.left_on !== null) throw new GridworkError(ErrorCode.CONFLICT, `worker ${request.id} already left on ${current.left_on}`);
      if (request.leftOn < current.hired_on) {
        throw GridworkError.validation([{ field: 'leftOn', messages: [`leftOn must not be before hiredOn (${current.hired_on})`] }]);
      }
      await em.query(`UPDATE worker SET left_on = $2, leave_reason = $3, updated_at = now() WHERE id = $1`, [request.id, request.leftOn, request.reason]);
      await this.endAssignments(em, 'worker_id = $1::uuid', request.id, request.leftOn, `worker left: ${request.reason}`);
      const worker = await workerIn(em, request.id);
      await publishInTransaction(em, events.changed, { change: 'left', worker: summaryOf(worker) });
      return this.withAssignments(em, worker);
    });
  }

  /** A split or merge retired these grids: their assignments end today (the workers are assigned anew to the new grids). */
  async endAssignmentsOfRetiredGrids(em: EntityManager, gridCodes: string[], reason: string): Promise<void> {
    await this.endAssignments(em, 'grid_code = ANY ($1::text[])', gridCodes, today(), reason);
  }

  /**
   * Ends the matching assignments still running on `day` then; those not yet
   * started are cancelled. Each is announced.
   */
  private async endAssignments(em: EntityManager, match: string, value: unknown, day: string, reason: string): Promise<void> {
    // TypeORM answers an UPDATE … RETURNING with [rows, count].
    const [ended]: [Array<{ id: string }>, number] = await em.query(
      `UPDATE worker_assignment SET ended_on = greatest(started_on, $2::date), end_reason = $3, ended_at = now()
       WHERE ${match} AND (ended_on IS NULL OR ended_on > $2::date)
       RETURNING id`,
      [value, day, reason],
    );
    await publishManyInTransaction(em, events.assignmentEnded, await this.assignmentsById(em, ended.map((r) => r.id)));
  }

  async get(id: string): Promise<Worker> {
    const em = this.dataSource.manager;
    return this.withAssignments(em, await workerIn(em, id));
  }

  async list(request: ListWorkersRequest): Promise<WorkerPage> {
    const em = this.dataSource.manager;
    const day = today();
    if (request.areaCode !== undefined) {
      const [area] = await em.query(`SELECT 1 FROM area WHERE code = $1`, [request.areaCode]);
      if (!area) throw GridworkError.notFound(`area ${request.areaCode}`);
    }
    const limit = request.limit ?? 100;
    const rows: WorkerRow[] = await em.query(
      `SELECT ${WORKER_COLUMNS} FROM worker w
       WHERE ($1::text IS NULL
              OR EXISTS (SELECT 1 FROM area c WHERE c.code = w.community_code AND c.path @> ARRAY[$1::text])
              OR EXISTS (SELECT 1 FROM worker_assignment a JOIN area ga ON ga.code = a.grid_code
                         WHERE a.worker_id = w.id AND a.during @> $2::date AND ga.path @> ARRAY[$1::text]))
         AND ($3::text IS NULL OR w.employment = $3)
         AND ($4::boolean OR w.left_on IS NULL OR w.left_on > $2::date)
         AND ($5::uuid IS NULL OR w.id > $5)
       ORDER BY w.id LIMIT $6`,
      [request.areaCode ?? null, day, request.employment ?? null, request.includeLeft ?? false, request.after ?? null, limit + 1],
    );
    const current = await this.assignmentsOn(em, rows.slice(0, limit).map((r) => r.id), day);
    return pageOf(rows, limit, (r) => r.id, (r) => ({ ...summaryOf(r), currentAssignments: current.filter((a) => a.workerId === r.id) }));
  }

  async assign(request: AssignWorkerRequest): Promise<WorkerAssignment> {
    return this.dataSource.transaction(async (em) => {
      const worker = await workerIn(em, request.workerId, true);
      if (worker.left_on !== null) throw new GridworkError(ErrorCode.CONFLICT, `worker ${worker.id} left on ${worker.left_on}`);
      const startedOn = request.startedOn ?? today();
      if (startedOn < worker.hired_on) {
        throw GridworkError.validation([{ field: 'startedOn', messages: [`startedOn must not be before the worker was hired (${worker.hired_on})`] }]);
      }
      const [grid] = await em.query(
        // The share lock keeps a split or merge from retiring the grid until this assignment is stored.
        `SELECT g.code, a.retired_at FROM grid g JOIN area a ON a.code = g.code WHERE g.code = $1 FOR SHARE OF a`,
        [request.gridCode],
      );
      if (!grid) throw GridworkError.notFound(`grid ${request.gridCode}`);
      if (grid.retired_at !== null) throw new GridworkError(ErrorCode.CONFLICT, `grid ${request.gridCode} is retired`);
      const id = newId();
      const role = request.role ?? 'worker';
      try {
        // The exclusion constraints, not a prior read, decide overlaps, so concurrent assignments cannot both pass.
        await em.query(`INSERT INTO worker_assignment (id, worker_id, grid_code, role, started_on) VALUES ($1, $2, $3, $4, $5)`, [
          id,
          worker.id,
          request.gridCode,
          role,
          startedOn,
        ]);
      } catch (error) {
        const { code, constraint } = pgErrorOf(error);
        if (code === '23P01' && constraint === 'worker_assignment_one_head') {
          throw new GridworkError(ErrorCode.CONFLICT, `grid ${request.gridCode} already has a head from ${startedOn}`);
        }
        if (code === '23P01') {
          throw new GridworkError(ErrorCode.CONFLICT, `worker ${worker.id} is already assigned to grid ${request.gridCode} from ${startedOn}`);
        }
        throw error;
      }
      const [assignment] = await this.assignmentsById(em, [id]);
      await publishInTransaction(em, events.assigned, assignment!);
      return assignment!;
    });
  }

  async endAssignment(request: EndAssignmentRequest): Promise<WorkerAssignment> {
    return this.dataSource.transaction(async (em) => {
      const [row] = await em.query(`SELECT started_on::text AS started_on, ended_on::text AS ended_on FROM worker_assignment WHERE id = $1 FOR UPDATE`, [
        request.assignmentId,
      ]);
      if (!row) throw GridworkError.notFound(`assignment ${request.assignmentId}`);
      if (row.ended_on !== null) throw new GridworkError(ErrorCode.CONFLICT, `assignment ${request.assignmentId} already ended on ${row.ended_on}`);
      if (request.endedOn < row.started_on) {
        throw GridworkError.validation([{ field: 'endedOn', messages: [`endedOn must not be before startedOn (${row.started_on})`] }]);
      }
      await em.query(`UPDATE worker_assignment SET ended_on = $2, end_reason = $3, ended_at = now() WHERE id = $1`, [
        request.assignmentId,
        request.endedOn,
        request.reason,
      ]);
      const [assignment] = await this.assignmentsById(em, [request.assignmentId]);
      await publishInTransaction(em, events.assignmentEnded, assignment!);
      return assignment!;
    });
  }

  async assignments(request: ListAssignmentsRequest): Promise<AssignmentPage> {
    const em = this.dataSource.manager;
    if (request.workerId !== undefined) await workerIn(em, request.workerId);
    if (request.gridCode !== undefined) {
      const [grid] = await em.query(`SELECT 1 FROM grid WHERE code = $1`, [request.gridCode]);
      if (!grid) throw GridworkError.notFound(`grid ${request.gridCode}`);
    }
    // The cursor is `<startedOn>/<id>`: history reads oldest first by the day it began.
    let afterDay: string | null = null;
    let afterId: string | null = null;
    if (request.after !== undefined) {
      const match = /^(\d{4}-\d{2}-\d{2})\/([0-9a-f-]{36})$/.exec(request.after);
      if (!match) throw GridworkError.validation([{ field: 'after', messages: ["after must be a previous page's nextAfter"] }]);
      [afterDay, afterId] = [match[1]!, match[2]!];
    }
    const limit = request.limit ?? 100;
    const rows: AssignmentRow[] = await em.query(
      `${ASSIGNMENT_SELECT}
       WHERE ($1::uuid IS NULL OR a.worker_id = $1) AND ($2::text IS NULL OR a.grid_code = $2)
         AND ($3::date IS NULL OR a.during @> $3::date)
         AND ($4::date IS NULL OR (a.started_on, a.id) > ($4::date, $5::uuid))
       ORDER BY a.started_on, a.id LIMIT $6`,
      [request.workerId ?? null, request.gridCode ?? null, request.on ?? null, afterDay, afterId, limit + 1],
    );
    return pageOf(rows, limit, (row) => `${row.started_on}/${row.id}`, assignmentOf);
  }

  async staffingReport(request: StaffingReportRequest): Promise<StaffingReport> {
    const em = this.dataSource.manager;
    const [area] = await em.query(`SELECT level FROM area WHERE code = $1`, [request.areaCode]);
    if (!area) throw GridworkError.notFound(`area ${request.areaCode}`);
    if (!REPORT_LEVELS.includes(area.level)) {
      throw GridworkError.validation([{ field: 'areaCode', messages: [`areaCode is a ${area.level}; give a community or an area above one`] }]);
    }
    const on = request.on ?? today();
    const limit = request.limit ?? 100;
    const rows: Array<{
      code: string;
      name: string;
      active_grids: number;
      residents: string;
      without_worker: string[];
      without_head: string[];
      actual: number;
      required: number;
    }> = await em.query(`${staffingSql(true)} SELECT * FROM report ORDER BY code`, [request.areaCode, on, request.after ?? null, limit + 1]);
    const [totals] = await em.query(
      `${staffingSql(false)}
       SELECT count(*)::int AS communities, coalesce(sum(residents), 0)::bigint AS residents,
              coalesce(sum(required), 0)::int AS required, coalesce(sum(actual), 0)::int AS actual,
              coalesce(sum(greatest(required - actual, 0)), 0)::int AS gap,
              coalesce(sum(cardinality(without_worker)), 0)::int AS grids_without_worker
       FROM report`,
      [request.areaCode, on],
    );
    const items: CommunityStaffing[] = rows.slice(0, limit).map((r) => ({
      communityCode: r.code,
      communityName: r.name,
      activeGrids: r.active_grids,
      residents: Number(r.residents),
      required: r.required,
      actual: r.actual,
      gap: Math.max(r.required - r.actual, 0),
      gridsWithoutWorker: r.without_worker,
      gridsWithoutHead: r.without_head,
    }));
    return compact({
      areaCode: request.areaCode,
      on,
      totals: {
        communities: totals.communities,
        residents: Number(totals.residents),
        required: totals.required,
        actual: totals.actual,
        gap: totals.gap,
        gridsWithoutWorker: totals.grids_without_worker,
      },
      items,
      nextAfter: rows.length > limit ? items[items.length - 1]!.communityCode : undefined,
    });
  }

  private async requireCommunity(em: EntityManager, code: string): Promise<void> {
    const [area] = await em.query(`SELECT level FROM area WHERE code = $1`, [code]);
    if (!area) throw GridworkError.notFound(`community ${code}`);
    if (area.level !== 'community') {
      throw GridworkError.validation([{ field: 'communityCode', messages: [`communityCode is a ${area.level}, not a community`] }]);
    }
  }

  private async withAssignments(em: EntityManager, worker: WorkerRow): Promise<Worker> {
    return { ...summaryOf(worker), currentAssignments: await this.assignmentsOn(em, [worker.id], today()) };
  }

  private async assignmentsOn(em: EntityManager, workerIds: string[], day: string): Promise<WorkerAssignment[]> {
    if (workerIds.length === 0) return [];
    const rows: AssignmentRow[] = await em.query(
      `${ASSIGNMENT_SELECT} WHERE a.worker_id = ANY ($1::uuid[]) AND a.during @> $2::date ORDER BY a.started_on, a.id`,
      [workerIds, day],
    );
    return rows.map(assignmentOf);
  }

  private async assignmentsById(em: EntityManager, ids: string[]): Promise<WorkerAssignment[]> {
    if (ids.length === 0) return [];
    const rows: AssignmentRow[] = await em.query(`${ASSIGNMENT_SELECT} WHERE a.id = ANY ($1::uuid[]) ORDER BY a.started_on, a.id`, [ids]);
    return rows.map(assignmentOf);
  }
}
