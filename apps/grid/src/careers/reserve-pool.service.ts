import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  CAREER_POSITIONS,
  ErrorCode,
  GridworkError,
  subjects,
  type AnnualGrade,
  type CareerPosition,
  type ListReservePoolRequest,
  type NominateRequest,
  type ReservePoolChange,
  type ReservePoolMember,
  type ReservePoolPage,
  type ReservePoolRoll,
} from '@gridwork/contracts';
import { publishInTransaction } from '@gridwork/messaging';
import { careerRow } from './career.rows.js';
import { workerIn } from '../workers/worker.rows.js';
import { nextPosition, POOL_GRADES } from './rules.js';
import { compact, pageOf } from '@gridwork/persistence';

const events = subjects.grid.reservePool;

/** Members with their current position and their latest annual grade. */
const MEMBER_SELECT = `
  SELECT m.year, m.worker_id, w.name AS worker_name, m.source, c.position, m.target_position, m.reason, last.grade AS last_annual_grade
  FROM reserve_pool_member m
  JOIN worker w ON w.id = m.worker_id
  LEFT JOIN career c ON c.worker_id = m.worker_id
  LEFT JOIN LATERAL (SELECT grade FROM assessment a WHERE a.worker_id = m.worker_id AND a.kind = 'annual' ORDER BY a.year DESC LIMIT 1) last ON true`;

interface MemberRow {
  year: number;
  worker_id: string;
  worker_name: string;
  source: ReservePoolMember['source'];
  position: CareerPosition | null;
  target_position: CareerPosition | null;
  reason: string;
  last_annual_grade: AnnualGrade | null;
}

const memberOf = (r: MemberRow): ReservePoolMember =>
  compact({
    year: r.year,
    workerId: r.worker_id,
    workerName: r.worker_name,
    source: r.source,
    position: r.position,
    targetPosition: r.target_position,
    lastAnnualGrade: r.last_annual_grade,
    reason: r.reason,
  }) as ReservePoolMember;

/** The target kept while still above the worker's position; once reached, the next step up. */
function targetAfter(position: CareerPosition | null, target: CareerPosition | null): CareerPosition | null {
  if (position === null) return target;
  if (target !== null && CAREER_POSITIONS.indexOf(target) > CAREER_POSITIONS.indexOf(position)) return target;
  return nextPosition(position) ?? null;
}

/** The reserve talent pool (后备人才库), one per year, rolled from the year before (滚动更新、优进劣退). */
@Injectable()
export class ReservePoolService {
  constructor(private readonly dataSource: DataSource) {}

  async nominate(request: NominateRequest): Promise<ReservePoolMember> {
    return this.dataSource.transaction(async (em) => {
      const worker = await workerIn(em, request.workerId, true);
      if (worker.left_on !== null) throw new GridworkError(ErrorCode.CONFLICT, `worker ${worker.id} left on ${worker.left_on}`);
      const [member] = await em.query(`SELECT source FROM reserve_pool_member WHERE year = $1 AND worker_id = $2`, [request.year, worker.id]);
      if (member) throw new GridworkError(ErrorCode.CONFLICT, `worker ${worker.id} is already in the ${request.year} pool`);
      const career = await careerRow(em, worker.id);
      const next = career ? nextPosition(career.position) : undefined;
      if (career && next === undefined) throw new GridworkError(ErrorCode.CONFLICT, `a secretary is at the top of the chain and needs no reserve place`);
      const [last] = await em.query(
        `SELECT year, grade FROM assessment WHERE worker_id = $1 AND kind = 'annual' AND year < $2 ORDER BY year DESC LIMIT 1`,
        [worker.id, request.year],
      );
      if (last && !POOL_GRADES.includes(last.grade)) {
        throw new GridworkError(ErrorCode.CONFLICT, `the annual review for ${last.year} was ${last.grade}; the pool takes competent or better`);
      }
      const target = request.targetPosition ?? next;
      if (career && target !== undefined && CAREER_POSITIONS.indexOf(target) <= CAREER_POSITIONS.indexOf(career.position)) {
        throw GridworkError.validation([{ field: 'targetPosition', messages: [`targetPosition must be above the current ${career.position}`] }]);
      }
      await em.query(`INSERT INTO reserve_pool_member (year, worker_id, source, target_position, reason) VALUES ($1, $2, 'nominated', $3, $4)`, [
        request.year,
        worker.id,
        target ?? null,
        request.reason,
      ]);
      const nominated = await this.memberIn(em, request.year, worker.id);
      await publishInTransaction(em, events.nominated, nominated);
      return nominated;
    });
  }

  async roll(year: number): Promise<ReservePoolRoll> {
    return this.dataSource.transaction(async (em) => {
      // One roll per year even when two requests race: the second waits here, then finds the first's row.
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('grid.reserve-pool.roll'), $1)`, [year]);
      const [done] = await em.query(`SELECT rolled_at FROM reserve_pool_roll WHERE year = $1`, [year]);
      if (done) throw new GridworkError(ErrorCode.CONFLICT, `the ${year} reserve pool was already rolled at ${(done.rolled_at as Date).toISOString()}`);

      const { kept, dropped } = await carryForward(em, year);
      const added = await addExcellent(em, year);

      const [{ size }] = await em.query(`SELECT count(*)::int AS size FROM reserve_pool_member WHERE year = $1`, [year]);
      const result: ReservePoolRoll = { year, kept, dropped, added, size };
      await em.query(`INSERT INTO reserve_pool_roll (year, result) VALUES ($1, $2)`, [year, JSON.stringify(result)]);
      await publishInTransaction(em, events.rolled, result);
      return result;
    });
  }

  async list(request: ListReservePoolRequest): Promise<ReservePoolPage> {
    const limit = request.limit ?? 100;
    const rows: MemberRow[] = await this.dataSource.query(
      `${MEMBER_SELECT} WHERE m.year = $1 AND ($2::uuid IS NULL OR m.worker_id > $2) ORDER BY m.worker_id LIMIT $3`,
      [request.year, request.after ?? null, limit + 1],
    );
    return { year: request.year, ...pageOf(rows, limit, (row) => row.worker_id, memberOf) };
  }

  private async memberIn(em: EntityManager, year: number, workerId: string): Promise<ReservePoolMember> {
    const [row] = await em.query(`${MEMBER_SELECT} WHERE m.year = $1 AND m.worker_id = $2`, [year, workerId]);
    return memberOf(row as MemberRow);
  }
}

/**
 * Last year's members not yet in this year's pool: kept (carried, with their
 * target, or the next step once it is reached) after a competent or better
 * annual review; dropped when they left, reached secretary, or had no or a
 * weaker review.
 */
async function carryForward(em: EntityManager, year: number): Promise<{ kept: ReservePoolChange[]; dropped: ReservePoolChange[] }> {
  const previous: Array<{ worker_id: string; name: string; left_on: string | null; position: CareerPosition | null; target_position: string | null; grade: AnnualGrade | null }> =
    await em.query(
      `SELECT m.worker_id, w.name, w.left_on::text AS left_on, c.position, m.target_position, a.grade
       FROM reserve_pool_member m
       JOIN worker w ON w.id = m.worker_id
       LEFT JOIN career c ON c.worker_id = m.worker_id
       LEFT JOIN assessment a ON a.worker_id = m.worker_id AND a.kind = 'annual' AND a.year = $1 - 1
       WHERE m.year = $1 - 1
         AND NOT EXISTS (SELECT 1 FROM reserve_pool_member y WHERE y.year = $1 AND y.worker_id = m.worker_id)
       ORDER BY m.worker_id`,
      [year],
    );
  const kept: ReservePoolChange[] = [];
  const dropped: ReservePoolChange[] = [];
  for (const m of previous) {
    const change = (reason: string) => compact({ workerId: m.worker_id, workerName: m.name, reason, lastAnnualGrade: m.grade }) as ReservePoolChange;
    if (m.left_on !== null) dropped.push(change(`left on ${m.left_on}`));
    else if (m.position === 'secretary') dropped.push(change('reached secretary, the top of the chain'));
    else if (m.grade === null) dropped.push(change(`no annual review for ${year - 1}`));
    else if (!POOL_GRADES.includes(m.grade)) dropped.push(change(`annual review ${year - 1}: ${m.grade}`));
    else {
      kept.push(change(`annual review ${year - 1}: ${m.grade}`));
      const target = targetAfter(m.position, m.target_position as CareerPosition | null);
      await em.query(`INSERT INTO reserve_pool_member (year, worker_id, source, target_position, reason) VALUES ($1, $2, 'carried', $3, $4)`, [
        year,
        m.worker_id,
        target,
        `kept from ${year - 1}: ${m.grade}`,
      ]);
    }
  }
  return { kept, dropped };
}

/** Serving workers excellent last year and in neither pool join this year's. */
async function addExcellent(em: EntityManager, year: number): Promise<ReservePoolChange[]> {
  const excellent: Array<{ worker_id: string; name: string; position: CareerPosition | null }> = await em.query(
    `SELECT a.worker_id, w.name, c.position
     FROM assessment a
     JOIN worker w ON w.id = a.worker_id
     LEFT JOIN career c ON c.worker_id = a.worker_id
     WHERE a.kind = 'annual' AND a.year = $1 - 1 AND a.grade = 'excellent' AND w.left_on IS NULL
       AND (c.position IS NULL OR c.position <> 'secretary')
       AND NOT EXISTS (SELECT 1 FROM reserve_pool_member m WHERE m.worker_id = a.worker_id AND m.year IN ($1 - 1, $1))
     ORDER BY a.worker_id`,
    [year],
  );
  const added: ReservePoolChange[] = [];
  for (const e of excellent) {
    added.push({ workerId: e.worker_id, workerName: e.name, reason: `annual review ${year - 1}: excellent`, lastAnnualGrade: 'excellent' });
    await em.query(`INSERT INTO reserve_pool_member (year, worker_id, source, target_position, reason) VALUES ($1, $2, 'excellent', $3, $4)`, [
      year,
      e.worker_id,
      targetAfter(e.position, null),
      `excellent in ${year - 1}`,
    ]);
  }
  return added;
}
