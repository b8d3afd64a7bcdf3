import type { EntityManager } from 'typeorm';
import { GridworkError, type WorkerSummary, type WorkerView } from '@gridwork/contracts';
import { compact } from '@gridwork/persistence';

/** A worker as the services read it (dates as YYYY-MM-DD text). */
export const WORKER_COLUMNS = `w.id, w.name, w.employment, w.phone, w.gender, w.birth_date::text AS birth_date,
  w.community_code, w.hired_on::text AS hired_on, w.left_on::text AS left_on, w.leave_reason`;

export interface WorkerRow {
  id: string;
  name: string;
  employment: WorkerSummary['employment'];
  phone: string | null;
  gender: WorkerSummary['gender'] | null;
  birth_date: string | null;
  community_code: string | null;
  hired_on: string;
  left_on: string | null;
  leave_reason: string | null;
}

/** The worker row, locked for the transaction when `lock`; NOT_FOUND when absent. */
export async function workerIn(em: EntityManager, id: string, lock = false): Promise<WorkerRow> {
  const [row] = await em.query(`SELECT ${WORKER_COLUMNS} FROM worker w WHERE w.id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
  if (!row) throw GridworkError.notFound(`worker ${id}`);
  return row as WorkerRow;
}

export const workerSummaryOf = (r: WorkerRow): WorkerSummary =>
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

/** What events carry of a worker: the summary without the phone number. */
export function workerViewOf(r: WorkerRow): WorkerView {
  const { phone: _phone, ...view } = workerSummaryOf(r);
  return view;
}
