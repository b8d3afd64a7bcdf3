import type { EntityManager } from 'typeorm';
import type { WorkerAssignment } from '@gridwork/contracts';
import { compact } from '@gridwork/persistence';

/** An assignment with its worker's name and employment and its grid's community (dates as YYYY-MM-DD text). */
export const ASSIGNMENT_SELECT = `
  SELECT a.id, a.worker_id, w.name AS worker_name, w.employment, a.grid_code, g.community_code, a.role,
         a.started_on::text AS started_on, a.ended_on::text AS ended_on, a.end_reason
  FROM worker_assignment a JOIN worker w ON w.id = a.worker_id JOIN grid g ON g.code = a.grid_code`;

export interface AssignmentRow {
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

export const assignmentOf = (r: AssignmentRow): WorkerAssignment =>
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

/** The workers' assignments running on `day`, oldest first. */
export async function assignmentsOn(em: EntityManager, workerIds: string[], day: string): Promise<WorkerAssignment[]> {
  if (workerIds.length === 0) return [];
  const rows: AssignmentRow[] = await em.query(
    `${ASSIGNMENT_SELECT} WHERE a.worker_id = ANY ($1::uuid[]) AND a.during @> $2::date ORDER BY a.started_on, a.id`,
    [workerIds, day],
  );
  return rows.map(assignmentOf);
}

export async function assignmentsById(em: EntityManager, ids: string[]): Promise<WorkerAssignment[]> {
  if (ids.length === 0) return [];
  const rows: AssignmentRow[] = await em.query(`${ASSIGNMENT_SELECT} WHERE a.id = ANY ($1::uuid[]) ORDER BY a.started_on, a.id`, [ids]);
  return rows.map(assignmentOf);
}
