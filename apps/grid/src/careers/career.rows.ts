import type { EntityManager } from 'typeorm';
import type { CareerPosition } from '@gridwork/contracts';
import type { Ranges } from './rules.js';

/** A career with its worker's name (dates as YYYY-MM-DD text). */
export interface CareerRow {
  worker_id: string;
  worker_name: string;
  position: CareerPosition;
  grade: number;
  since: string;
  competent_years: number;
}

/** The posts' grade ranges; `FOR SHARE` keeps them fixed while a grade is chosen against them. */
export async function ladderRanges(em: EntityManager, share = false): Promise<Ranges> {
  const rows: Array<{ post: keyof Ranges; lowest_grade: number; highest_grade: number }> = await em.query(
    `SELECT post, lowest_grade, highest_grade FROM career_ladder ${share ? 'FOR SHARE' : ''}`,
  );
  return Object.fromEntries(rows.map((r) => [r.post, { lowestGrade: r.lowest_grade, highestGrade: r.highest_grade }])) as Ranges;
}

export async function careerRow(em: EntityManager, workerId: string, lock = false): Promise<CareerRow | undefined> {
  const [row] = await em.query(
    `SELECT c.worker_id, w.name AS worker_name, c.position, c.grade, c.since::text AS since, c.competent_years
     FROM career c JOIN worker w ON w.id = c.worker_id WHERE c.worker_id = $1 ${lock ? 'FOR UPDATE OF c' : ''}`,
    [workerId],
  );
  return row as CareerRow | undefined;
}
