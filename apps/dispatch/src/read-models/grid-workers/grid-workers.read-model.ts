import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { subjects, type CaseOwner, type WorkerAssignment } from '@gridwork/contracts';
import { OnEvent, type EventContext } from '@gridwork/messaging';
import { localDay } from '@gridwork/local-time';

/**
 * Who serves each grid, from the grid service's assignment events. A
 * grid-level case goes to the grid's worker: a full-time worker first, then a
 * part-time one, then the grid head; the longest-serving first, so every
 * replica picks the same person.
 */
@Injectable()
export class GridWorkersReadModel {
  @OnEvent(subjects.grid.worker.assigned)
  async onAssigned(assignment: WorkerAssignment, { em }: EventContext): Promise<void> {
    await this.upsert(em, assignment);
  }

  @OnEvent(subjects.grid.worker.assignmentEnded)
  async onAssignmentEnded(assignment: WorkerAssignment, { em }: EventContext): Promise<void> {
    await this.upsert(em, assignment);
  }

  private async upsert(em: EntityManager, a: WorkerAssignment): Promise<void> {
    await em.query(
      `INSERT INTO known_grid_worker (assignment_id, grid_code, worker_id, worker_name, employment, role, started_on, ended_on)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (assignment_id) DO UPDATE SET ended_on = EXCLUDED.ended_on, worker_name = EXCLUDED.worker_name`,
      [a.id, a.gridCode, a.workerId, a.workerName, a.employment, a.role, a.startedOn, a.endedOn ?? null],
    );
  }

  /** Whether the worker is assigned to the grid at `at`, as the grid service's assignment events say. */
  async serves(em: EntityManager, workerId: string, gridCode: string, at: Date): Promise<boolean> {
    const [row] = await em.query<{ serves: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM known_grid_worker w
                       WHERE w.worker_id::text = $1 AND w.grid_code = $2 AND w.started_on <= $3::date AND (w.ended_on IS NULL OR w.ended_on > $3::date)) AS serves`,
      // Assignments run by China-time days; the id is compared as text, as callers may send any string.
      [workerId, gridCode, localDay(at)],
    );
    return row!.serves;
  }

  /** Gives grid-level owners their grid's worker as of `now`, when the grid has one. */
  async addWorkers(em: EntityManager, owners: (CaseOwner | undefined)[], now: Date): Promise<void> {
    const grids = [...new Set(owners.filter((o) => o?.kind === 'level' && o.level === 'grid').map((o) => o!.areaCode!))];
    if (grids.length === 0) return;
    const rows = await em.query<{ grid_code: string; worker_id: string | null }[]>(
      `SELECT g.code AS grid_code, (${workerOfGridSql('g.code', '$2')}) AS worker_id FROM unnest($1::text[]) AS g(code)`,
      [grids, now.toISOString()],
    );
    giveGridWorkers(owners, new Map(rows.map((row) => [row.grid_code, row.worker_id])));
  }
}

/** Gives each grid-level owner its grid's worker from `workerOf` (grid code → worker id), where the grid has one. */
export function giveGridWorkers(owners: (CaseOwner | undefined)[], workerOf: Map<string, string | null>): void {
  for (const owner of owners) {
    const worker = owner?.kind === 'level' && owner.level === 'grid' ? workerOf.get(owner.areaCode!) : undefined;
    if (worker) owner!.workerId = worker;
  }
}

/**
 * A scalar subquery: the worker serving the grid `grid` (an SQL expression)
 * at the instant `at` (a timestamptz parameter), or NULL. The one definition
 * of who that is, for `addWorkers` and for intake's lookup of where reports are.
 */
export const workerOfGridSql = (grid: string, at: string): string =>
  `SELECT w.worker_id FROM known_grid_worker w
    WHERE w.grid_code = ${grid} AND w.started_on <= (${at}::timestamptz AT TIME ZONE 'Asia/Shanghai')::date
      AND (w.ended_on IS NULL OR w.ended_on > (${at}::timestamptz AT TIME ZONE 'Asia/Shanghai')::date)
    ORDER BY (w.role = 'head'), (w.employment <> 'full-time'), w.started_on, w.worker_id LIMIT 1`;
