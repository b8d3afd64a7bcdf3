import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ErrorCode,
  GridworkError,
  subjects,
  type LeaveWorkerRequest,
  type ListWorkersRequest,
  type RegisterWorkerRequest,
  type UpdateWorkerRequest,
  type Worker,
  type WorkerPage,
} from '@gridwork/contracts';
import { publishInTransaction } from '@gridwork/messaging';
import { newId, pageOf } from '@gridwork/persistence';
import { today } from '@gridwork/local-time';
import { assignmentsOn } from './assignment.rows.js';
import { AssignmentsService } from './assignments.service.js';
import { WORKER_COLUMNS, workerIn, workerSummaryOf, workerViewOf, type WorkerRow } from './worker.rows.js';

const events = subjects.grid.worker;

/** Grid workers: registering, changing, leaving, and reading them with the assignments they hold today. */
@Injectable()
export class WorkersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly assignments: AssignmentsService,
  ) {}

  async register(request: RegisterWorkerRequest): Promise<Worker> {
    return this.dataSource.transaction(async (em) => {
      if (request.communityCode !== undefined) await requireCommunity(em, request.communityCode);
      const hiredOn = request.hiredOn ?? today();
      if (request.birthDate !== undefined && request.birthDate >= hiredOn) {
        throw GridworkError.validation([{ field: 'birthDate', messages: ['birthDate must be before hiredOn'] }]);
      }
      const [worker] = await em.query<WorkerRow[]>(
        `INSERT INTO worker AS w (id, name, employment, phone, gender, birth_date, community_code, hired_on)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         RETURNING ${WORKER_COLUMNS}`,
        [newId(), request.name, request.employment, request.phone ?? null, request.gender ?? null, request.birthDate ?? null, request.communityCode ?? null, hiredOn],
      );
      await publishInTransaction(em, events.changed, { change: 'registered', worker: workerViewOf(worker!) });
      return { ...workerSummaryOf(worker!), currentAssignments: [] };
    });
  }

  async update(request: UpdateWorkerRequest): Promise<Worker> {
    return this.dataSource.transaction(async (em) => {
      const current = await workerIn(em, request.id, true);
      if (current.left_on !== null) throw new GridworkError(ErrorCode.CONFLICT, `worker ${request.id} left on ${current.left_on}`);
      if (request.communityCode !== undefined) await requireCommunity(em, request.communityCode);
      // TypeORM answers an UPDATE … RETURNING with [rows, count].
      const [[worker]] = await em.query<[WorkerRow[], number]>(
        `UPDATE worker w SET name = coalesce($2, name), employment = coalesce($3, employment),
                phone = CASE WHEN $4::boolean THEN $5 ELSE phone END,
                gender = coalesce($6, gender), birth_date = coalesce($7::date, birth_date),
                community_code = coalesce($8, community_code), updated_at = now()
         WHERE id = $1
         RETURNING ${WORKER_COLUMNS}`,
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
      await publishInTransaction(em, events.changed, { change: 'updated', worker: workerViewOf(worker!) });
      return withAssignments(em, worker!);
    });
  }

  async leave(request: LeaveWorkerRequest): Promise<Worker> {
    return this.dataSource.transaction(async (em) => {
      const current = await workerIn(em, request.id, true);
      if (current.left_on !== null) throw new GridworkError(ErrorCode.CONFLICT, `worker ${request.id} already left on ${current.left_on}`);
      if (request.leftOn < current.hired_on) {
        throw GridworkError.validation([{ field: 'leftOn', messages: [`leftOn must not be before hiredOn (${current.hired_on})`] }]);
      }
      const [[worker]] = await em.query<[WorkerRow[], number]>(
        `UPDATE worker w SET left_on = $2, leave_reason = $3, updated_at = now() WHERE id = $1 RETURNING ${WORKER_COLUMNS}`,
        [request.id, request.leftOn, request.reason],
      );
      await this.assignments.endOfLeavingWorker(em, request.id, request.leftOn, `worker left: ${request.reason}`);
      await publishInTransaction(em, events.changed, { change: 'left', worker: workerViewOf(worker!) });
      return withAssignments(em, worker!);
    });
  }

  async get(id: string): Promise<Worker> {
    const em = this.dataSource.manager;
    return withAssignments(em, await workerIn(em, id));
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
    const current = await assignmentsOn(em, rows.slice(0, limit).map((r) => r.id), day);
    return pageOf(rows, limit, (r) => r.id, (r) => ({ ...workerSummaryOf(r), currentAssignments: current.filter((a) => a.workerId === r.id) }));
  }
}

async function requireCommunity(em: EntityManager, code: string): Promise<void> {
  const [area] = await em.query(`SELECT level FROM area WHERE code = $1`, [code]);
  if (!area) throw GridworkError.notFound(`community ${code}`);
  if (area.level !== 'community') {
    throw GridworkError.validation([{ field: 'communityCode', messages: [`communityCode is a ${area.level}, not a community`] }]);
  }
}

async function withAssignments(em: EntityManager, worker: WorkerRow): Promise<Worker> {
  return { ...workerSummaryOf(worker), currentAssignments: await assignmentsOn(em, [worker.id], today()) };
}
