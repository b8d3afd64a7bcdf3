import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ErrorCode,
  GridworkError,
  POST_OF_POSITION,
  subjects,
  type AnnualGrade,
  type AnnualResult,
  type Assessment,
  type AssessmentKind,
  type AssessmentList,
  type ListAssessmentsRequest,
  type RecordAssessmentRequest,
} from '@gridwork/contracts';
import { publishInTransaction } from '@gridwork/messaging';
import { compact, newId } from '@gridwork/persistence';
import { careerRow, ladderRanges } from './career.rows.js';
import { countCompetentYears, writeStep } from './careers.service.js';
import { workerIn } from '../workers/worker.rows.js';
import { annualGradeOf, compositeScore, gradeAfterReview } from './rules.js';
import { today } from '@gridwork/local-time';

const PERIOD_OF_KIND: Record<AssessmentKind, { pattern: RegExp; shape: string }> = {
  monthly: { pattern: /^\d{4}-(0[1-9]|1[0-2])$/, shape: 'YYYY-MM' },
  quarterly: { pattern: /^\d{4}-Q[1-4]$/, shape: 'YYYY-Qn' },
  annual: { pattern: /^\d{4}$/, shape: 'YYYY' },
};

const ASSESSMENT_SELECT = `
  SELECT a.id, a.worker_id, w.name AS worker_name, a.kind, a.period, a.year, a.score, a.satisfaction, a.assessed_by, a.remarks,
         a.composite, a.grade, a.renew_contract, a.grade_before, a.grade_after, a.recorded_at
  FROM assessment a JOIN worker w ON w.id = a.worker_id`;

interface AssessmentRow {
  id: string;
  worker_id: string;
  worker_name: string;
  kind: AssessmentKind;
  period: string;
  year: number;
  score: string;
  satisfaction: string | null;
  assessed_by: string | null;
  remarks: string | null;
  composite: string | null;
  grade: AnnualGrade | null;
  renew_contract: boolean | null;
  grade_before: number | null;
  grade_after: number | null;
  recorded_at: Date;
}

function assessmentOf(r: AssessmentRow): Assessment {
  const annual: AnnualResult | undefined =
    r.kind === 'annual'
      ? (compact({
          composite: Number(r.composite),
          satisfaction: Number(r.satisfaction),
          grade: r.grade!,
          renewContract: r.renew_contract!,
          gradeBefore: r.grade_before,
          gradeAfter: r.grade_after,
        }) as AnnualResult)
      : undefined;
  return compact({
    id: r.id,
    workerId: r.worker_id,
    workerName: r.worker_name,
    kind: r.kind,
    period: r.period,
    year: r.year,
    score: Number(r.score),
    satisfaction: r.satisfaction === null ? undefined : Number(r.satisfaction),
    assessedBy: r.assessed_by,
    remarks: r.remarks,
    recordedAt: r.recorded_at.toISOString(),
    annual,
  }) as Assessment;
}

/** Monthly monitoring, quarterly evaluation and the annual review (月监测+季评估+年考核). */
@Injectable()
export class AssessmentsService {
  constructor(private readonly dataSource: DataSource) {}

  async record(request: RecordAssessmentRequest): Promise<Assessment> {
    const { pattern, shape } = PERIOD_OF_KIND[request.kind];
    if (!pattern.test(request.period)) {
      throw GridworkError.validation([{ field: 'period', messages: [`period must be ${shape} for ${request.kind} assessment`] }]);
    }
    const year = Number(request.period.slice(0, 4));
    if (year > Number(today().slice(0, 4))) throw GridworkError.validation([{ field: 'period', messages: ['period must not be in a future year'] }]);
    if (request.kind === 'annual' && request.satisfaction === undefined) {
      throw GridworkError.validation([{ field: 'satisfaction', messages: ['satisfaction is required for the annual review'] }]);
    }
    return this.dataSource.transaction(async (em) => {
      // The worker's row lock serializes their assessments, so the annual review sees the whole year.
      const worker = await workerIn(em, request.workerId, true);
      await assertPeriodOpen(em, worker.id, request.kind, request.period, year);
      const id = newId();
      const result = request.kind === 'annual' ? await this.review(em, worker, id, year, request.score, request.satisfaction!) : undefined;
      await em.query(
        `INSERT INTO assessment (id, worker_id, kind, period, year, score, satisfaction, assessed_by, remarks,
                                 composite, grade, renew_contract, grade_before, grade_after)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [
          id,
          worker.id,
          request.kind,
          request.period,
          year,
          request.score,
          request.satisfaction ?? null,
          request.assessedBy ?? null,
          request.remarks ?? null,
          result?.composite ?? null,
          result?.grade ?? null,
          result?.renewContract ?? null,
          result?.gradeBefore ?? null,
          result?.gradeAfter ?? null,
        ],
      );
      const [row] = await em.query(`${ASSESSMENT_SELECT} WHERE a.id = $1`, [id]);
      const assessment = assessmentOf(row as AssessmentRow);
      await publishInTransaction(em, subjects.grid.assessment.recorded, assessment);
      return assessment;
    });
  }

  async list(request: ListAssessmentsRequest): Promise<AssessmentList> {
    const em = this.dataSource.manager;
    await workerIn(em, request.workerId);
    const rows: AssessmentRow[] = await em.query(
      `${ASSESSMENT_SELECT} WHERE a.worker_id = $1 AND ($2::int IS NULL OR a.year = $2)
       ORDER BY a.year, array_position(ARRAY['monthly', 'quarterly', 'annual'], a.kind), a.period`,
      [request.workerId, request.year ?? null],
    );
    return { workerId: request.workerId, items: rows.map(assessmentOf) };
  }

  /** Derives the annual grade and, for a serving worker on the ladder, moves the pay grade (rules.ts). */
  private async review(
    em: EntityManager,
    worker: { id: string; name: string; left_on: string | null },
    assessmentId: string,
    year: number,
    score: number,
    satisfaction: number,
  ): Promise<AnnualResult> {
    const parts: Array<{ kind: AssessmentKind; score: string }> = await em.query(
      `SELECT kind, score FROM assessment WHERE worker_id = $1 AND year = $2 AND kind <> 'annual'`,
      [worker.id, year],
    );
    const scoresOf = (kind: AssessmentKind) => parts.filter((p) => p.kind === kind).map((p) => Number(p.score));
    const composite = compositeScore(scoresOf('monthly'), scoresOf('quarterly'), score);
    const grade = annualGradeOf(composite, satisfaction);
    let gradeBefore: number | null = null;
    let gradeAfter: number | null = null;
    const career = worker.left_on === null ? await careerRow(em, worker.id, true) : undefined;
    if (career) {
      const range = (await ladderRanges(em, true))[POST_OF_POSITION[career.position]];
      const after = gradeAfterReview(grade, { grade: career.grade, competentYears: career.competent_years }, range);
      [gradeBefore, gradeAfter] = [career.grade, after.grade];
      if (after.grade !== career.grade) {
        // The review sets next year's pay: it takes effect on 1 January, or on the last career change if that is later.
        const newYear = `${year + 1}-01-01`;
        const on = newYear > career.since ? newYear : career.since;
        await writeStep(
          em,
          worker,
          { kind: 'graded', on, position: career.position, gradeBefore: career.grade, grade: after.grade, reason: `annual review ${year}: ${grade}`, assessmentId },
          after.competentYears,
        );
      } else {
        await countCompetentYears(em, worker.id, after.competentYears);
      }
    }
    return compact({ composite, satisfaction, grade, renewContract: grade !== 'incompetent', gradeBefore, gradeAfter }) as AnnualResult;
  }
}

/** The period is not recorded yet, and no annual review of its year or later has closed it. */
async function assertPeriodOpen(em: EntityManager, workerId: string, kind: AssessmentKind, period: string, year: number): Promise<void> {
  const [duplicate] = await em.query(`SELECT 1 FROM assessment WHERE worker_id = $1 AND kind = $2 AND period = $3`, [workerId, kind, period]);
  if (duplicate) throw new GridworkError(ErrorCode.CONFLICT, `the ${kind} assessment for ${period} is already recorded`);
  const [closed] = await em.query(`SELECT max(year) AS year FROM assessment WHERE worker_id = $1 AND kind = 'annual' AND year >= $2`, [workerId, year]);
  if (closed.year !== null) {
    throw new GridworkError(ErrorCode.CONFLICT, `the annual review for ${closed.year} is already recorded; ${period} comes too late`);
  }
}
