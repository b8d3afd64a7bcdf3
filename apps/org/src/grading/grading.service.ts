import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  ErrorCode,
  GridworkError,
  type GradeRequest,
  type Grading,
  type GradingList,
  type GradingsRequest,
  type LiftRectificationRequest,
  type ListForRectificationRequest,
  type Rectification,
  type RectificationList,
  type RectificationsRequest,
} from '@gridwork/contracts';
import { today } from '@gridwork/local-time';
import { compact, newId } from '@gridwork/persistence';
import { OrganizationsService } from '../organizations/organizations.service.js';

interface RectificationRow {
  id: string;
  organization_id: string;
  name: string;
  year: number;
  reasons: string[];
  measures: string[];
  lifted_on: string | null;
  lift_note: string | null;
}

const RECTIFICATION_SELECT = `SELECT r.id, r.organization_id, o.name, r.year, r.reasons, r.measures, r.lifted_on::text AS lifted_on, r.lift_note
  FROM rectification r JOIN organization o ON o.id = r.organization_id`;

const rectificationOf = (row: RectificationRow): Rectification =>
  compact({ id: row.id, organizationId: row.organization_id, name: row.name, year: row.year, reasons: row.reasons, measures: row.measures, liftedOn: row.lifted_on ?? undefined, liftNote: row.lift_note ?? undefined });

/** Grading (评价定级) and rectification (软弱涣散整顿): sole writer of `grading` and `rectification`. */
@Injectable()
export class GradingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly organizations: OrganizationsService,
  ) {}

  async grade(request: GradeRequest): Promise<Grading> {
    return this.dataSource.transaction(async (em) => {
      const organization = await this.organizations.current(em, request.organizationId, 'FOR SHARE');
      await this.organizations.visible(em, organization.id, request.actor);
      await em.query(
        `INSERT INTO grading (organization_id, year, stars, note, graded_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (organization_id, year) DO UPDATE SET stars = EXCLUDED.stars, note = EXCLUDED.note, graded_by = EXCLUDED.graded_by, graded_at = now()`,
        [organization.id, request.year, request.stars, request.note ?? null, request.actor.id],
      );
      return compact({ organizationId: organization.id, name: organization.name, year: request.year, stars: request.stars, note: request.note });
    });
  }

  async list(request: GradingsRequest): Promise<GradingList> {
    const root = await this.organizations.visible(this.dataSource.manager, request.organizationId, request.viewer);
    const rows = await this.dataSource.query<{ organization_id: string; name: string; year: number; stars: number | null; note: string | null }[]>(
      `SELECT o.id AS organization_id, o.name, $2::int AS year, g.stars, g.note FROM organization o
         LEFT JOIN grading g ON g.organization_id = o.id AND g.year = $2
        WHERE o.path <@ $1::ltree AND o.dissolved_at IS NULL ORDER BY g.stars DESC NULLS LAST, o.name, o.id`,
      [root.path, request.year],
    );
    const graded = rows.filter((row) => row.stars !== null);
    return {
      items: graded.map((row) => compact({ organizationId: row.organization_id, name: row.name, year: row.year, stars: row.stars!, note: row.note ?? undefined })),
      byStars: [5, 4, 3, 2, 1].map((stars) => ({ stars, count: graded.filter((row) => row.stars === stars).length })),
      ungraded: rows.length - graded.length,
    };
  }

  async listForRectification(request: ListForRectificationRequest): Promise<Rectification> {
    return this.dataSource.transaction(async (em) => {
      const organization = await this.organizations.current(em, request.organizationId, 'FOR UPDATE');
      await this.organizations.visible(em, organization.id, request.actor);
      const [open] = await em.query<{ year: number }[]>(`SELECT year FROM rectification WHERE organization_id = $1 AND lifted_on IS NULL`, [organization.id]);
      if (open) throw new GridworkError(ErrorCode.CONFLICT, `${organization.name} is on the rectification list since ${open.year} and not lifted yet`);
      const id = newId();
      await em.query(`INSERT INTO rectification (id, organization_id, year, reasons, measures, listed_by) VALUES ($1, $2, $3, $4, $5, $6)`, [
        id,
        organization.id,
        request.year,
        request.reasons,
        request.measures,
        request.actor.id,
      ]);
      const [row] = await em.query<RectificationRow[]>(`${RECTIFICATION_SELECT} WHERE r.id = $1`, [id]);
      return rectificationOf(row!);
    });
  }

  async lift(request: LiftRectificationRequest): Promise<Rectification> {
    if (request.on > today()) throw GridworkError.validation([{ field: 'on', messages: ['on is in the future'] }]);
    return this.dataSource.transaction(async (em) => {
      const [row] = await em.query<RectificationRow[]>(`${RECTIFICATION_SELECT} WHERE r.id = $1 FOR UPDATE OF r`, [request.id]);
      if (!row) throw GridworkError.notFound(`rectification ${request.id}`);
      await this.organizations.visible(em, row.organization_id, request.actor);
      if (row.lifted_on) throw new GridworkError(ErrorCode.CONFLICT, `${row.name} was lifted on ${row.lifted_on}`);
      if (Number(request.on.slice(0, 4)) < row.year) throw GridworkError.validation([{ field: 'on', messages: [`on is before ${row.year}, the year it was listed`] }]);
      await em.query(`UPDATE rectification SET lifted_on = $2, lift_note = $3 WHERE id = $1`, [row.id, request.on, request.note]);
      const [lifted] = await em.query<RectificationRow[]>(`${RECTIFICATION_SELECT} WHERE r.id = $1`, [row.id]);
      return rectificationOf(lifted!);
    });
  }

  /** The year's list: listed that year, or listed before and still not lifted when the year began. */
  async year(request: RectificationsRequest): Promise<RectificationList> {
    const root = await this.organizations.visible(this.dataSource.manager, request.organizationId, request.viewer);
    const rows = await this.dataSource.query<RectificationRow[]>(
      `${RECTIFICATION_SELECT} WHERE o.path <@ $1::ltree AND (r.year = $2 OR (r.year < $2 AND (r.lifted_on IS NULL OR r.lifted_on >= make_date($2, 1, 1))))
        ORDER BY r.year, o.name, r.id`,
      [root.path, request.year],
    );
    return { items: rows.map(rectificationOf) };
  }
}
