import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ErrorCode,
  GridworkError,
  subjects,
  type AssignWorkerRequest,
  type AssignmentPage,
  type EndAssignmentRequest,
  type ListAssignmentsRequest,
  type WorkerAssignment,
} from '@gridwork/contracts';
import { publishInTransaction, publishManyInTransaction } from '@gridwork/messaging';
import { newId, pageOf, pgErrorOf } from '@gridwork/persistence';
import { today } from '@gridwork/local-time';
import { ASSIGNMENT_SELECT, assignmentOf, assignmentsById, type AssignmentRow } from './assignment.rows.js';
import { workerIn } from './worker.rows.js';

const events = subjects.grid.worker;

/**
 * Workers' assignments to grids over time: assigning, ending, the history.
 * The only writer of `worker_assignment`: a worker leaving and a grid
 * retiring end assignments through here.
 */
@Injectable()
export class AssignmentsService {
  constructor(private readonly dataSource: DataSource) {}

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
      await assertNoConflict(em, { workerId: worker.id, workerName: worker.name, gridCode: request.gridCode, role, startedOn });
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
        // Another assignment stored meanwhile: the look above could not see it, the constraint did.
        if (code === '23P01' && constraint === 'worker_assignment_one_head') {
          throw new GridworkError(ErrorCode.CONFLICT, `grid ${request.gridCode} got another head from ${startedOn} meanwhile`);
        }
        if (code === '23P01') {
          throw new GridworkError(ErrorCode.CONFLICT, `worker ${worker.name} (${worker.id}) was assigned to grid ${request.gridCode} from ${startedOn} meanwhile`);
        }
        throw error;
      }
      const [assignment] = await assignmentsById(em, [id]);
      await publishInTransaction(em, events.assigned, assignment!);
      return assignment!;
    });
  }

  async end(request: EndAssignmentRequest): Promise<WorkerAssignment> {
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
      const [assignment] = await assignmentsById(em, [request.assignmentId]);
      await publishInTransaction(em, events.assignmentEnded, assignment!);
      return assignment!;
    });
  }

  async list(request: ListAssignmentsRequest): Promise<AssignmentPage> {
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

  /** The worker left on `day`: their assignments end then, in the caller's transaction. */
  async endOfLeavingWorker(em: EntityManager, workerId: string, day: string, reason: string): Promise<void> {
    await this.endRunning(em, 'worker_id = $1::uuid', workerId, day, reason);
  }

  /** A split or merge retired these grids: their assignments end today, in the caller's transaction; answers those it ended. */
  async endOfRetiredGrids(em: EntityManager, gridCodes: string[], reason: string): Promise<WorkerAssignment[]> {
    return this.endRunning(em, 'grid_code = ANY ($1::text[])', gridCodes, today(), reason);
  }

  /**
   * Carries assignments a split or merge ended over to the new grid `gridCode`:
   * each worker once (as head if they were a head), in the same role, from
   * the day the old one ended. A grid has one head, so heads of several
   * merged grids are refused, naming them.
   */
  async carryOver(em: EntityManager, ended: WorkerAssignment[], gridCode: string): Promise<WorkerAssignment[]> {
    const byWorker = new Map<string, WorkerAssignment>();
    for (const assignment of ended) {
      const kept = byWorker.get(assignment.workerId);
      if (!kept || (assignment.role === 'head' && kept.role !== 'head')) byWorker.set(assignment.workerId, assignment);
    }
    const carried = [...byWorker.values()];
    const heads = carried.filter((assignment) => assignment.role === 'head');
    if (heads.length > 1) {
      throw new GridworkError(
        ErrorCode.CONFLICT,
        `grid ${gridCode} can have one head, and ${heads.map((h) => `${h.workerName} (${h.workerId}, head of ${h.gridCode})`).join(' and ')} would both carry over; ` +
          'end all but one head assignment first, or merge without carryAssignments',
      );
    }
    if (carried.length === 0) return [];
    const ids = carried.map(() => newId());
    await em.query(
      `INSERT INTO worker_assignment (id, worker_id, grid_code, role, started_on)
       SELECT id, worker_id, $1, role, started_on FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::date[]) AS c(id, worker_id, role, started_on)`,
      [gridCode, ids, carried.map((a) => a.workerId), carried.map((a) => a.role), carried.map((a) => a.endedOn)],
    );
    const assignments = await assignmentsById(em, ids);
    await publishManyInTransaction(em, events.assigned, assignments);
    return assignments;
  }

  /**
   * Ends the matching assignments still running on `day` then; those not yet
   * started are cancelled. Each is announced; answers them.
   */
  private async endRunning(em: EntityManager, match: string, value: unknown, day: string, reason: string): Promise<WorkerAssignment[]> {
    // TypeORM answers an UPDATE … RETURNING with [rows, count].
    const [ended]: [Array<{ id: string }>, number] = await em.query(
      `UPDATE worker_assignment SET ended_on = greatest(started_on, $2::date), end_reason = $3, ended_at = now()
       WHERE ${match} AND (ended_on IS NULL OR ended_on > $2::date)
       RETURNING id`,
      [value, day, reason],
    );
    const assignments = await assignmentsById(em, ended.map((r) => r.id));
    await publishManyInTransaction(em, events.assignmentEnded, assignments);
    return assignments;
  }
}

/** The stored assignment a new one would clash with, as messages name it: who, which role, and when. */
const servingOf = (a: WorkerAssignment) => `${a.workerName} (${a.workerId}) as ${a.role} from ${a.startedOn}${a.endedOn ? ` until ${a.endedOn}` : ''}`;

/**
 * Names each clash of a new assignment, open from `startedOn`, before it is
 * stored: the worker already serving the grid then, and for a head the
 * grid's head then. The exclusion constraints stay the backstop for races.
 */
async function assertNoConflict(
  em: EntityManager,
  next: { workerId: string; workerName: string; gridCode: string; role: string; startedOn: string },
): Promise<void> {
  const rows: AssignmentRow[] = await em.query(
    `${ASSIGNMENT_SELECT}
     WHERE a.grid_code = $1 AND a.during && daterange($2::date, NULL, '[)') AND (a.worker_id = $3 OR ($4 AND a.role = 'head'))
     ORDER BY a.started_on, a.id`,
    [next.gridCode, next.startedOn, next.workerId, next.role === 'head'],
  );
  const clashes = rows.map(assignmentOf);
  const own = clashes.find((a) => a.workerId === next.workerId);
  const head = clashes.find((a) => a.role === 'head' && a.workerId !== next.workerId);
  const messages: string[] = [];
  if (own) messages.push(`worker ${next.workerName} (${next.workerId}) already serves grid ${next.gridCode}: ${servingOf(own)}`);
  if (head) messages.push(`grid ${next.gridCode} already has a head: ${servingOf(head)}`);
  if (messages.length > 0) throw new GridworkError(ErrorCode.CONFLICT, `${messages.join('; ')}; a new assignment from ${next.startedOn} would overlap`);
}
