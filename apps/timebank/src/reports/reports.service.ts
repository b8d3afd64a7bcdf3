import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  ErrorCode,
  GridworkError,
  type EvaluateServiceRequest,
  type Evaluation,
  type Leaderboard,
  type LeaderboardRequest,
  type ReportFigures,
  type TimebankReport,
  type TimebankReportRequest,
} from '@gridwork/contracts';
import { compact } from '@gridwork/persistence';
import { GridAreasReadModel } from '@gridwork/area-read-model';
import { digestOf } from '../ledger/ledger.rows.js';

/** Longest period one report covers, in days. */
const MAX_REPORT_DAYS = 3_660;

interface EvaluationRow {
  id: string;
  volunteer_id: string;
  activity_id: string | null;
  exchange_id: string | null;
  score: number;
  comment: string | null;
  evaluated_by: string;
  digest: string;
  evaluated_at: Date;
}

interface FigureRow {
  key: string;
  name: string;
  minutes: string;
  services: string;
  points: string;
  evaluations: string;
  score_sum: string | null;
}

const evaluationOf = (row: EvaluationRow): Evaluation =>
  compact<Evaluation>({
    id: row.id,
    volunteerId: row.volunteer_id,
    activityId: row.activity_id ?? undefined,
    exchangeId: row.exchange_id ?? undefined,
    score: row.score,
    comment: row.comment ?? undefined,
    by: row.evaluated_by,
    at: row.evaluated_at.toISOString(),
  });

const figuresOf = (row: FigureRow): ReportFigures =>
  compact<ReportFigures>({
    minutes: Number(row.minutes),
    services: Number(row.services),
    points: Number(row.points),
    evaluations: Number(row.evaluations),
    averageScore: Number(row.evaluations) > 0 ? Math.round((Number(row.score_sum) * 100) / Number(row.evaluations)) / 100 : undefined,
  });

/**
 * Per volunteer, in the period: verified minutes and services (from sign-ups,
 * by when they were verified), points awarded and evaluations. Reads the
 * tables of activities, earning and volunteers; writes only `evaluation`.
 */
const PER_VOLUNTEER = `
  v AS (SELECT id, name, home_community_code FROM volunteer WHERE home_path @> ARRAY[$1::text]),
  h AS (SELECT volunteer_id, sum(minutes) AS minutes, count(*) AS services FROM signup
         WHERE state = 'verified' AND verified_at >= $2 AND verified_at < $3 AND volunteer_id IN (SELECT id FROM v) GROUP BY volunteer_id),
  p AS (SELECT volunteer_id, sum(points) AS points FROM points_award
         WHERE awarded_at >= $2 AND awarded_at < $3 AND volunteer_id IN (SELECT id FROM v) GROUP BY volunteer_id),
  e AS (SELECT volunteer_id, count(*) AS evaluations, sum(score) AS score_sum FROM evaluation
         WHERE evaluated_at >= $2 AND evaluated_at < $3 AND volunteer_id IN (SELECT id FROM v) GROUP BY volunteer_id),
  f AS (SELECT v.id, v.name, v.home_community_code, coalesce(h.minutes, 0) AS minutes, coalesce(h.services, 0) AS services,
               coalesce(p.points, 0) AS points, coalesce(e.evaluations, 0) AS evaluations, e.score_sum
          FROM v LEFT JOIN h ON h.volunteer_id = v.id LEFT JOIN p ON p.volunteer_id = v.id LEFT JOIN e ON e.volunteer_id = v.id)`;

const SUMS = `sum(f.minutes) AS minutes, sum(f.services) AS services, sum(f.points) AS points, sum(f.evaluations) AS evaluations, sum(f.score_sum) AS score_sum`;

/** Reports, leaderboards and service evaluations: sole writer of `evaluation`. */
@Injectable()
export class ReportsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly areas: GridAreasReadModel,
  ) {}

  /** Someone served rates the service of a volunteer whose hours were verified in the activity, or who completed the exchange for them. */
  evaluate(request: EvaluateServiceRequest): Promise<Evaluation> {
    if ((request.activityId === undefined) === (request.exchangeId === undefined)) {
      throw GridworkError.validation([{ field: 'activityId', messages: ['give activityId or exchangeId: the service evaluated'] }]);
    }
    return this.dataSource.transaction(async (em) => {
      const digest = digestOf('evaluation.submit', { volunteerId: request.volunteerId, activityId: request.activityId, exchangeId: request.exchangeId, score: request.score, comment: request.comment });
      const [repeat] = await em.query<EvaluationRow[]>(`SELECT * FROM evaluation WHERE id = $1`, [request.id]);
      if (repeat) {
        if (repeat.digest !== digest) throw new GridworkError(ErrorCode.CONFLICT, `evaluation ${request.id} was already made with other content`);
        return evaluationOf(repeat);
      }
      const [served] = request.activityId
        ? await em.query<{ path: string[] }[]>(
            `SELECT a.community_path AS path FROM signup s JOIN activity a ON a.id = s.activity_id WHERE s.activity_id = $1 AND s.volunteer_id = $2 AND s.state = 'verified'`,
            [request.activityId, request.volunteerId],
          )
        : await em.query<{ path: string[] }[]>(
            `SELECT v.home_path AS path FROM exchange x JOIN volunteer v ON v.id = x.requester_id WHERE x.id = $1 AND x.provider_id = $2 AND x.state = 'completed'`,
            [request.exchangeId, request.volunteerId],
          );
      if (!served) throw GridworkError.notFound(`a verified service of volunteer ${request.volunteerId} in ${request.activityId ? `activity ${request.activityId}` : `exchange ${request.exchangeId}`}`);
      if (request.actor.areas && !request.actor.areas.some((code) => served.path.includes(code))) {
        throw new GridworkError(ErrorCode.FORBIDDEN, `the service lies outside ${request.actor.areas.join(', ')} where ${request.actor.id} acts`);
      }
      const [row] = await em.query<EvaluationRow[]>(
        `INSERT INTO evaluation (id, volunteer_id, activity_id, exchange_id, score, comment, evaluated_by, digest) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT DO NOTHING RETURNING *`,
        [request.id, request.volunteerId, request.activityId ?? null, request.exchangeId ?? null, request.score, request.comment ?? null, request.actor.id, digest],
      );
      if (!row) throw new GridworkError(ErrorCode.CONFLICT, `${request.actor.id} has already evaluated this service of volunteer ${request.volunteerId}`);
      return evaluationOf(row);
    });
  }

  async hours(request: TimebankReportRequest): Promise<TimebankReport> {
    const [from, to] = this.period(request.from, request.to);
    await this.areas.current(this.dataSource.manager, request.areaCode);
    const grouped =
      request.by === 'volunteer'
        ? `SELECT f.id::text AS key, f.name, ${SUMS} FROM f GROUP BY f.id, f.name`
        : request.by === 'community'
          ? `SELECT f.home_community_code AS key, coalesce(k.name, f.home_community_code) AS name, ${SUMS} FROM f LEFT JOIN known_area k ON k.code = f.home_community_code GROUP BY f.home_community_code, k.name`
          : `SELECT t.id::text AS key, t.name, ${SUMS} FROM f JOIN team_member m ON m.volunteer_id = f.id JOIN team t ON t.id = m.team_id GROUP BY t.id, t.name`;
    const params = [request.areaCode, from, to];
    const rows = await this.dataSource.query<FigureRow[]>(`WITH ${PER_VOLUNTEER} ${grouped} ORDER BY minutes DESC, key`, params);
    const [total] = await this.dataSource.query<FigureRow[]>(`WITH ${PER_VOLUNTEER} SELECT '' AS key, '' AS name, ${SUMS} FROM f`, params);
    return {
      areaCode: request.areaCode,
      from: request.from,
      to: request.to,
      by: request.by,
      rows: rows.map((row) => ({ key: row.key, name: row.name, ...figuresOf(row) })),
      total: figuresOf({ ...total!, minutes: total!.minutes ?? '0', services: total!.services ?? '0', points: total!.points ?? '0', evaluations: total!.evaluations ?? '0' }),
    };
  }

  async leaderboard(request: LeaderboardRequest): Promise<Leaderboard> {
    await this.areas.current(this.dataSource.manager, request.areaCode);
    const [from, to] = request.from || request.to ? this.period(request.from ?? '1970-01-01', request.to ?? '9999-12-30') : [new Date(0), new Date('9999-12-31T00:00:00Z')];
    const value =
      request.measure === 'minutes'
        ? `(SELECT coalesce(sum(minutes), 0) FROM signup s WHERE s.volunteer_id = v.id AND s.state = 'verified' AND s.verified_at >= $2 AND s.verified_at < $3)`
        : `(SELECT coalesce(sum(points), 0) FROM points_award p WHERE p.volunteer_id = v.id AND p.awarded_at >= $2 AND p.awarded_at < $3)`;
    const rows = await this.dataSource.query<{ rank: string; id: string; name: string; home_community_code: string; value: string }[]>(
      `SELECT rank() OVER (ORDER BY x.value DESC) AS rank, x.* FROM (
         SELECT v.id, v.name, v.home_community_code, ${value} AS value FROM volunteer v WHERE v.home_path @> ARRAY[$1::text]) x
        WHERE x.value > 0 ORDER BY x.value DESC, x.id LIMIT $4`,
      [request.areaCode, from, to, request.limit ?? 10],
    );
    return {
      measure: request.measure,
      entries: rows.map((r) => ({ rank: Number(r.rank), volunteerId: r.id, name: r.name, homeCommunityCode: r.home_community_code, value: Number(r.value) })),
    };
  }

  /** The period's bounds as instants: its first day's start and the day after its last, in China time (UTC+8 all year). */
  private period(from: string, to: string): [Date, Date] {
    const start = new Date(`${from}T00:00:00+08:00`);
    const end = new Date(new Date(`${to}T00:00:00+08:00`).getTime() + 86_400_000);
    if (end <= start) throw GridworkError.validation([{ field: 'to', messages: ['to must be on or after from'] }]);
    if ((end.getTime() - start.getTime()) / 86_400_000 > MAX_REPORT_DAYS) throw GridworkError.validation([{ field: 'to', messages: [`a report covers at most ${MAX_REPORT_DAYS} days`] }]);
    return [start, end];
  }
}
