import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  CAREER_POSITIONS,
  ErrorCode,
  GridworkError,
  POSTS,
  POST_OF_POSITION,
  subjects,
  type Career,
  type CareerPosition,
  type CareerStep,
  type Ladder,
  type PlaceCareerRequest,
  type PromoteRequest,
  type SetLadderRequest,
} from '@gridwork/contracts';
import { publishInTransaction } from '@gridwork/messaging';
import { compact, newId } from '@gridwork/persistence';
import { workerIn } from '../workers/worker.rows.js';
import { careerRow, ladderRanges } from './career.rows.js';
import { ladderProblems, nextPosition, POOL_GRADES, type Ranges } from './rules.js';

const events = subjects.grid.career;

/** Records a step and the career's new state, and publishes `career.changed`, in the caller's transaction. */
export async function writeStep(
  em: EntityManager,
  worker: { id: string; name: string },
  step: Omit<CareerStep, 'id'>,
  competentYears: number,
): Promise<CareerStep> {
  const id = newId();
  await em.query(
    `INSERT INTO career_step (id, worker_id, kind, on_day, position_before, position, grade_before, grade, reason, assessment_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [id, worker.id, step.kind, step.on, step.positionBefore ?? null, step.position, step.gradeBefore ?? null, step.grade, step.reason, step.assessmentId ?? null],
  );
  await em.query(`UPDATE career SET position = $2, grade = $3, since = $4, competent_years = $5, updated_at = now() WHERE worker_id = $1`, [
    worker.id,
    step.position,
    step.grade,
    step.on,
    competentYears,
  ]);
  const written = compact({ id, ...step }) as CareerStep;
  await publishInTransaction(em, events.changed, { workerId: worker.id, workerName: worker.name, post: POST_OF_POSITION[step.position], step: written });
  return written;
}

/** An annual review that moves no grade still counts the competent years towards the next step (rules.ts). */
export async function countCompetentYears(em: EntityManager, workerId: string, competentYears: number): Promise<void> {
  await em.query(`UPDATE career SET competent_years = $2, updated_at = now() WHERE worker_id = $1`, [workerId, competentYears]);
}

@Injectable()
export class CareersService {
  constructor(private readonly dataSource: DataSource) {}

  async ladder(): Promise<Ladder> {
    return ladderOf(await ladderRanges(this.dataSource.manager));
  }

  async setLadder(request: SetLadderRequest): Promise<Ladder> {
    const problems = ladderProblems(request.posts);
    if (problems.length > 0) throw GridworkError.validation(problems);
    return this.dataSource.transaction(async (em) => {
      await em.query(`SELECT 1 FROM career_ladder FOR UPDATE`);
      // Workers are never regraded by a ladder change: it is refused while a serving worker would fall outside their post.
      const held: Array<{ position: CareerPosition; lowest: number; highest: number; n: number }> = await em.query(
        `SELECT c.position, min(c.grade)::int AS lowest, max(c.grade)::int AS highest, count(*)::int AS n
         FROM career c JOIN worker w ON w.id = c.worker_id WHERE w.left_on IS NULL GROUP BY c.position`,
      );
      const proposed = new Map(request.posts.map((p) => [p.post, p]));
      const outside = held.filter((h) => {
        const range = proposed.get(POST_OF_POSITION[h.position])!;
        return h.lowest < range.lowestGrade || h.highest > range.highestGrade;
      });
      if (outside.length > 0) {
        const positions = outside.map((h) => h.position).join(', ');
        throw new GridworkError(ErrorCode.CONFLICT, `some ${positions} would hold grades outside the new range of their post`);
      }
      for (const p of request.posts) {
        await em.query(`UPDATE career_ladder SET lowest_grade = $2, highest_grade = $3, updated_at = now() WHERE post = $1`, [p.post, p.lowestGrade, p.highestGrade]);
      }
      const ladder = ladderOf(await ladderRanges(em));
      await publishInTransaction(em, events.ladderChanged, { ladder, reason: request.reason });
      return ladder;
    });
  }

  async place(request: PlaceCareerRequest): Promise<Career> {
    return this.dataSource.transaction(async (em) => {
      const worker = await workerIn(em, request.workerId, true);
      if (worker.left_on !== null) throw new GridworkError(ErrorCode.CONFLICT, `worker ${worker.id} left on ${worker.left_on}`);
      if (await careerRow(em, worker.id)) throw new GridworkError(ErrorCode.CONFLICT, `worker ${worker.id} is already on the ladder; promote instead`);
      const range = (await ladderRanges(em, true))[POST_OF_POSITION[request.position]];
      if (request.grade < range.lowestGrade || request.grade > range.highestGrade) {
        throw GridworkError.validation([
          { field: 'grade', messages: [`grade must be ${range.lowestGrade}–${range.highestGrade} for a ${request.position}`] },
        ]);
      }
      if (request.on < worker.hired_on) {
        throw GridworkError.validation([{ field: 'on', messages: [`on must not be before the worker was hired (${worker.hired_on})`] }]);
      }
      await em.query(`INSERT INTO career (worker_id, position, grade, since) VALUES ($1, $2, $3, $4)`, [worker.id, request.position, request.grade, request.on]);
      await writeStep(em, worker, { kind: 'placed', on: request.on, position: request.position, grade: request.grade, reason: request.reason ?? 'placed on the ladder' }, 0);
      return this.careerIn(em, worker.id);
    });
  }

  async promote(request: PromoteRequest): Promise<Career> {
    return this.dataSource.transaction(async (em) => {
      const worker = await workerIn(em, request.workerId, true);
      if (worker.left_on !== null) throw new GridworkError(ErrorCode.CONFLICT, `worker ${worker.id} left on ${worker.left_on}`);
      const career = await careerRow(em, worker.id, true);
      if (!career) throw GridworkError.notFound(`career of worker ${worker.id}`);
      const next = nextPosition(career.position);
      if (next === undefined) throw new GridworkError(ErrorCode.CONFLICT, `a ${career.position} is at the top of the chain`);
      if (request.to !== next) {
        throw new GridworkError(ErrorCode.CONFLICT, `a ${career.position} can be promoted only to ${next}, not ${request.to}`);
      }
      if (request.on < career.since) {
        throw GridworkError.validation([{ field: 'on', messages: [`on must not be before the last career change (${career.since})`] }]);
      }
      // Results drive promotion: the latest annual review must be competent or better.
      const [latest] = await em.query(`SELECT year, grade FROM assessment WHERE worker_id = $1 AND kind = 'annual' ORDER BY year DESC LIMIT 1`, [worker.id]);
      if (latest && !POOL_GRADES.includes(latest.grade)) {
        throw new GridworkError(ErrorCode.CONFLICT, `the annual review for ${latest.year} was ${latest.grade}; promotion needs competent or better`);
      }
      const range = (await ladderRanges(em, true))[POST_OF_POSITION[next]];
      let grade = Math.min(Math.max(career.grade, range.lowestGrade), range.highestGrade);
      if (request.grade !== undefined) {
        if (request.grade < range.lowestGrade || request.grade > range.highestGrade || request.grade < career.grade) {
          throw GridworkError.validation([
            {
              field: 'grade',
              messages: [`grade must be ${Math.max(range.lowestGrade, career.grade)}–${range.highestGrade}: within the ${next} range and not below the current ${career.grade}`],
            },
          ]);
        }
        grade = request.grade;
      }
      await writeStep(
        em,
        worker,
        { kind: 'promoted', on: request.on, positionBefore: career.position, position: next, gradeBefore: career.grade, grade, reason: request.reason },
        career.competent_years,
      );
      return this.careerIn(em, worker.id);
    });
  }

  async get(workerId: string): Promise<Career> {
    const em = this.dataSource.manager;
    await workerIn(em, workerId);
    return this.careerIn(em, workerId);
  }

  private async careerIn(em: EntityManager, workerId: string): Promise<Career> {
    const career = await careerRow(em, workerId);
    if (!career) throw GridworkError.notFound(`career of worker ${workerId}`);
    const steps: Array<Record<string, unknown>> = await em.query(
      `SELECT id, kind, on_day::text AS on, position_before AS "positionBefore", position, grade_before AS "gradeBefore", grade, reason,
              assessment_id AS "assessmentId"
       FROM career_step WHERE worker_id = $1 ORDER BY on_day, id`,
      [workerId],
    );
    return {
      workerId,
      workerName: career.worker_name,
      position: career.position,
      post: POST_OF_POSITION[career.position],
      grade: career.grade,
      since: career.since,
      competentYears: career.competent_years,
      history: steps.map((s) => compact(s) as unknown as CareerStep),
    };
  }
}

function ladderOf(ranges: Ranges): Ladder {
  return { posts: POSTS.map((post) => ({ post, ...ranges[post] })), chain: [...CAREER_POSITIONS] };
}
