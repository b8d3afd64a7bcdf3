import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ErrorCode,
  GridworkError,
  type AppointReviewerRequest,
  type ListReviewersRequest,
  type RemoveReviewerRequest,
  type Reviewer,
  type ReviewerList,
} from '@gridwork/contracts';
import { GridAreasReadModel } from '@gridwork/area-read-model';

interface ReviewerRow {
  id: string;
  name: string;
  area_code: string;
  appointed_at: Date;
  removed_at: Date | null;
}

const reviewerOf = (row: ReviewerRow): Reviewer => ({ id: row.id, name: row.name, areaCode: row.area_code, appointedAt: row.appointed_at.toISOString() });

/** Reviewers per area: sole writer of `reviewer`. */
@Injectable()
export class ReviewersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly areas: GridAreasReadModel,
  ) {}

  async appoint(request: AppointReviewerRequest): Promise<Reviewer> {
    return this.dataSource.transaction(async (em) => {
      await this.areas.current(em, request.areaCode);
      const [row] = await em.query<ReviewerRow[]>(
        `INSERT INTO reviewer (id, name, area_code, appointed_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, area_code = EXCLUDED.area_code, appointed_by = EXCLUDED.appointed_by,
           appointed_at = now(), removed_at = NULL
         RETURNING *`,
        [request.id, request.name, request.areaCode, request.actor.id],
      );
      return reviewerOf(row!);
    });
  }

  async list(request: ListReviewersRequest): Promise<ReviewerList> {
    const rows = await this.dataSource.query<ReviewerRow[]>(
      `SELECT * FROM reviewer WHERE removed_at IS NULL AND ($1::text IS NULL OR area_code = $1) ORDER BY area_code, id`,
      [request.areaCode ?? null],
    );
    return { items: rows.map(reviewerOf) };
  }

  async remove(request: RemoveReviewerRequest): Promise<Reviewer> {
    // An UPDATE's RETURNING rows come back from TypeORM as [rows, count]; a CTE makes it a plain SELECT.
    const [row] = await this.dataSource.query<ReviewerRow[]>(
      `WITH removed AS (UPDATE reviewer SET removed_at = now() WHERE id = $1 AND removed_at IS NULL RETURNING *) SELECT * FROM removed`,
      [request.id],
    );
    if (!row) throw GridworkError.notFound(`reviewer ${request.id}`);
    return reviewerOf(row);
  }

  /**
   * The reviewer, when appointed for `path`'s area or one above it: who may
   * decide an application there. FORBIDDEN otherwise, saying whose they decide.
   */
  async entitled(em: EntityManager, reviewerId: string, path: string[]): Promise<Reviewer> {
    const [row] = await em.query<ReviewerRow[]>(`SELECT * FROM reviewer WHERE id = $1 AND removed_at IS NULL`, [reviewerId]);
    if (!row) throw new GridworkError(ErrorCode.FORBIDDEN, `${reviewerId} is not an appointed reviewer`);
    if (!path.includes(row.area_code)) {
      throw new GridworkError(ErrorCode.FORBIDDEN, `reviewer ${row.name} (${row.id}) decides applications of ${row.area_code} and below, not of ${path[path.length - 1]}`);
    }
    return reviewerOf(row);
  }
}
