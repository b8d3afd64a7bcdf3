import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ErrorCode,
  GridworkError,
  subjects,
  type Application,
  type ApplicationAction,
  type ApplicationPage,
  type ApplicationState,
  type DecideApplicationRequest,
  type GetApplicationRequest,
  type ListApplicationsRequest,
  type ResubmitApplicationRequest,
  type ReviewApplicationRequest,
  type SubmitApplicationRequest,
} from '@gridwork/contracts';
import { publishInTransaction } from '@gridwork/messaging';
import { newId, pageOf, pgErrorOf } from '@gridwork/persistence';
import { GridAreasReadModel } from '@gridwork/area-read-model';
import { itemByCode } from '../items/item.rows.js';
import { assertLevelFitsArea } from '../lists/list.rows.js';
import { ListsService } from '../lists/lists.service.js';
import { GateService } from '../gate/gate.service.js';
import { ReviewersService } from '../reviewers/reviewers.service.js';
import { applicationRow, applicationsOf, recordStep, selectApplications, type ApplicationRow } from './application.rows.js';

type ReviewerAction = Exclude<ApplicationAction, 'submit' | 'resubmit'>;

/** The review's steps: which states each reviewer action starts from, and where it leads. */
const REVIEW: Record<ReviewerAction, { from: ApplicationState[]; to: ApplicationState }> = {
  'start-review': { from: ['submitted', 'resubmitted'], to: 'under-review' },
  return: { from: ['under-review'], to: 'returned' },
  approve: { from: ['under-review'], to: 'approved' },
  refuse: { from: ['under-review'], to: 'refused' },
};

const DEFAULT_PAGE = 100;

/** Applications (准入申请) and their review: sole writer of `application` and `application_step`. */
@Injectable()
export class ApplicationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly areas: GridAreasReadModel,
    private readonly lists: ListsService,
    private readonly gate: GateService,
    private readonly reviewers: ReviewersService,
  ) {}

  async submit(request: SubmitApplicationRequest, fromDepartment: string | undefined): Promise<Application> {
    const department = applyingDepartment(request, fromDepartment);
    try {
      return await this.dataSource.transaction(async (em) => {
        const item = await itemByCode(em, request.itemCode);
        if (item.withdrawn_on) throw GridworkError.validation([{ field: 'itemCode', messages: [`item ${item.code} is withdrawn from ${item.withdrawn_on}`] }]);
        if (!item.levels.includes(request.level)) {
          throw GridworkError.validation([{ field: 'level', messages: [`item ${item.code} is carried out only at the ${item.levels.join(' and ')} level`] }]);
        }
        const area = await this.areas.current(em, request.areaCode);
        assertLevelFitsArea(request.level, area);
        await this.assertAdmissible(em, request);
        const id = newId();
        await em.query(
          `INSERT INTO application (id, item_code, area_code, area_path, level, department, reason, head_count, annual_budget_yuan, funded_by, state)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'submitted')`,
          [id, item.code, area.code, area.path, request.level, department, request.reason, request.resources.headCount, request.resources.annualBudgetYuan, request.resources.fundedBy],
        );
        await recordStep(em, id, { action: 'submit', state: 'submitted', by: request.actor.id, byName: request.actor.name, reason: request.reason });
        return this.read(em, id);
      });
    } catch (error) {
      if (pgErrorOf(error).code === '23505') {
        throw new GridworkError(ErrorCode.CONFLICT, `an application for item ${request.itemCode} at the ${request.level} level in ${request.areaCode} is already open`);
      }
      throw error;
    }
  }

  startReview(request: ReviewApplicationRequest): Promise<Application> {
    return this.review(request, 'start-review', 'review started');
  }

  return(request: DecideApplicationRequest): Promise<Application> {
    return this.review(request, 'return', request.reason);
  }

  approve(request: DecideApplicationRequest): Promise<Application> {
    return this.review(request, 'approve', request.reason);
  }

  refuse(request: DecideApplicationRequest): Promise<Application> {
    return this.review(request, 'refuse', request.reason);
  }

  async resubmit(request: ResubmitApplicationRequest, fromDepartment: string | undefined): Promise<Application> {
    return this.dataSource.transaction(async (em) => {
      const row = await applicationRow(em, request.id, true);
      assertOwnDepartment(row, fromDepartment);
      await assertStep(em, row, ['returned'], 'resubmitted');
      const resources = request.resources;
      await em.query(
        `UPDATE application SET state = 'resubmitted', round = round + 1,
           head_count = coalesce($2, head_count), annual_budget_yuan = coalesce($3, annual_budget_yuan), funded_by = coalesce($4, funded_by)
         WHERE id = $1`,
        [row.id, resources?.headCount ?? null, resources?.annualBudgetYuan ?? null, resources?.fundedBy ?? null],
      );
      await recordStep(em, row.id, { action: 'resubmit', state: 'resubmitted', by: request.actor.id, byName: request.actor.name, reason: request.reason });
      return this.read(em, row.id);
    });
  }

  async get(request: GetApplicationRequest, fromDepartment: string | undefined): Promise<Application> {
    const em = this.dataSource.manager;
    const row = await applicationRow(em, request.id);
    assertOwnDepartment(row, fromDepartment);
    return (await applicationsOf(em, [row]))[0]!;
  }

  /** Oldest first; a department system sees only its own department's. */
  async list(request: ListApplicationsRequest, fromDepartment: string | undefined): Promise<ApplicationPage> {
    const em = this.dataSource.manager;
    const limit = request.limit ?? DEFAULT_PAGE;
    const rows = await selectApplications(
      em,
      `($1::text IS NULL OR a.area_path @> ARRAY[$1::text]) AND ($2::text IS NULL OR a.state = $2) AND ($3::text IS NULL OR a.department = $3)
         AND ($4::text IS NULL OR a.department = $4)
         AND ($5::uuid IS NULL OR (a.submitted_at, a.id) > (SELECT submitted_at, id FROM application WHERE id = $5))`,
      [request.areaCode ?? null, request.state ?? null, request.department ?? null, fromDepartment ?? null, request.after ?? null, limit + 1],
      'ORDER BY a.submitted_at, a.id LIMIT $6',
    );
    const page = pageOf(rows, limit, (row) => row.id, (row) => row);
    return { ...page, items: await applicationsOf(em, page.items) };
  }

  /** One reviewer step, under the application's lock: two reviewers deciding at once make one decision, and the other gets CONFLICT. */
  private async review(request: ReviewApplicationRequest, action: ReviewerAction, reason: string): Promise<Application> {
    return this.dataSource.transaction(async (em) => {
      const row = await applicationRow(em, request.id, true);
      const reviewer = await this.reviewers.entitled(em, request.reviewerId, row.area_path);
      const { from, to } = REVIEW[action];
      await assertStep(em, row, from, to);
      await em.query(`UPDATE application SET state = $2, decided_at = CASE WHEN $3 THEN now() ELSE decided_at END WHERE id = $1`, [
        row.id,
        to,
        to === 'approved' || to === 'refused',
      ]);
      const decision = { action, state: to, by: reviewer.id, byName: reviewer.name, reason };
      await recordStep(em, row.id, decision);
      if (action === 'approve') {
        await this.lists.putOnDraft(
          em,
          { areaCode: row.area_code, kind: 'admitted', level: row.level },
          { itemCode: row.item_code, admitted: true, note: `approved application ${row.id}` },
          { id: reviewer.id, name: reviewer.name },
        );
      }
      const application = await this.read(em, row.id);
      if (action !== 'start-review') {
        await publishInTransaction(em, subjects.admission.application.decided, { application, decision: application.history[application.history.length - 1]! });
      }
      return application;
    });
  }

  /** Refuses an item the area's negative list holds, and one already admitted there, with the gate's own words. */
  private async assertAdmissible(em: EntityManager, request: SubmitApplicationRequest): Promise<void> {
    const [answer] = await this.gate.answer(em, [{ itemCode: request.itemCode, level: request.level, areaCode: request.areaCode }]);
    if (answer!.reason === 'negative-list') {
      throw new GridworkError(ErrorCode.NOT_ADMITTED, answer!.explanation, [{ field: 'itemCode', messages: [answer!.explanation] }]);
    }
    if (answer!.admitted) throw new GridworkError(ErrorCode.CONFLICT, `nothing to apply for: ${answer!.explanation}`);
  }

  private async read(em: EntityManager, id: string): Promise<Application> {
    return (await applicationsOf(em, [await applicationRow(em, id)]))[0]!;
  }
}

/** The department a submission is for: its system's own subject, else the field the office filled in. */
function applyingDepartment(request: SubmitApplicationRequest, fromDepartment: string | undefined): string {
  if (fromDepartment !== undefined) {
    if (request.department !== undefined && request.department !== fromDepartment) {
      throw GridworkError.validation([{ field: 'department', messages: [`is ${fromDepartment}, from the subject the request came on; leave it out`] }]);
    }
    return fromDepartment;
  }
  if (request.department === undefined) throw GridworkError.validation([{ field: 'department', messages: ['is required when the request does not come from a department system'] }]);
  return request.department;
}

function assertOwnDepartment(row: ApplicationRow, fromDepartment: string | undefined): void {
  if (fromDepartment !== undefined && row.department !== fromDepartment) {
    throw new GridworkError(ErrorCode.FORBIDDEN, `application ${row.id} is ${row.department}'s, not ${fromDepartment}'s`);
  }
}

/** CONFLICT unless the application is in one of `from`, naming the step that put it where it is. */
async function assertStep(em: EntityManager, row: ApplicationRow, from: ApplicationState[], to: ApplicationState): Promise<void> {
  if (from.includes(row.state)) return;
  const [last] = await em.query<{ action: string; by_id: string; by_name: string | null; at: Date }[]>(
    `SELECT action, by_id, by_name, at FROM application_step WHERE application_id = $1 ORDER BY position DESC LIMIT 1`,
    [row.id],
  );
  const by = last ? ` (${last.action} by ${last.by_name ?? last.by_id} at ${last.at.toISOString()})` : '';
  throw new GridworkError(ErrorCode.CONFLICT, `application ${row.id} is ${row.state}${by}: it cannot become ${to}; it must be ${from.join(' or ')}`);
}
