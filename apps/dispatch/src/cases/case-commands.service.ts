import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ErrorCode,
  GridworkError,
  type AcceptCaseRequest,
  type AssignCaseRequest,
  type CallbackCaseRequest,
  type Case,
  type CaseCommand,
  type ClaimCaseRequest,
  type CloseCaseRequest,
  type HandBackCaseRequest,
  type MergeCaseRequest,
  type RejectCaseRequest,
  type ResolveCaseRequest,
} from '@gridwork/contracts';
import { CalendarService } from '../calendar/calendar.service.js';
import { CategoriesService } from '../categories/categories.service.js';
import type { CategoryRow } from '../categories/category.rows.js';
import { assertResponsibility } from '../categories/responsibility.js';
import { RoutingService, ownerFor } from '../routing/routing.service.js';
import { applyChange, assertLegal, ownerAbove, type Change, type Who } from './case-lifecycle.js';
import { assertWithinActorsAreas, caseOf, lockCase, ownerColumns, ownerOf, type CaseRow } from './case.rows.js';
import { deadlinesOf } from '../calendar/working-calendar.js';

/** Actions only a case's owner takes; a department system may take them on the cases it owns. */
const OWNER_ACTIONS = new Set(['claim', 'resolve', 'hand-back']);

/** Every change to a case after intake, each a legal transition recorded in the timeline. */
@Injectable()
export class CaseCommandsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly categories: CategoriesService,
    private readonly routing: RoutingService,
    private readonly calendar: CalendarService,
  ) {}

  accept(request: AcceptCaseRequest): Promise<Case> {
    return this.change(request, 'accept', undefined, async () => ({ action: 'accept', to: 'accepted' }));
  }

  assign(request: AssignCaseRequest): Promise<Case> {
    return this.change(request, 'assign', undefined, async (row, em, now) => {
      const category = await this.categoryOf(em, row);
      let owner;
      let why: string;
      if (request.to) {
        const responsible = assertResponsibility(request.to, 'to');
        owner = ownerFor(responsible, row.area_path.length ? row.area_path : null);
        if (!owner) throw new GridworkError(ErrorCode.CONFLICT, `case ${row.number} has no grid, so it cannot go to the ${responsible.level} level; assign it to a department`);
        why = request.reason ?? 'assigned by the dispatcher';
      } else {
        const [decision] = await this.routing.decide(em, [{ category, path: row.area_path.length ? row.area_path : null }]);
        if (!decision!.owner) throw new GridworkError(ErrorCode.CONFLICT, `case ${row.number}: ${decision!.explanation}`);
        owner = decision!.owner;
        why = request.reason ?? decision!.explanation;
      }
      await this.routing.workers.addWorkers(em, [owner], now);
      const deadlines = await this.deadlines(em, category, now);
      return { action: 'assign', to: 'assigned', set: { ...ownerColumns(owner), ...deadlines, assigned_at: now, claimed_at: null }, reason: why, data: { owner } };
    });
  }

  claim(request: ClaimCaseRequest, department?: string): Promise<Case> {
    return this.change(request, 'claim', department, async (_row, _em, now) => ({ action: 'claim', to: 'in-progress', set: { claimed_at: now } }));
  }

  resolve(request: ResolveCaseRequest, department?: string): Promise<Case> {
    return this.change(request, 'resolve', department, async (_row, _em, now) => ({
      action: 'resolve',
      to: 'resolved',
      set: { resolved_at: now },
      reason: request.resolution,
      ...(request.attachments?.length ? { data: { attachments: request.attachments } } : {}),
    }));
  }

  handBack(request: HandBackCaseRequest, department?: string): Promise<Case> {
    return this.change(request, 'hand-back', department, async (row) => ({
      action: 'hand-back',
      to: 'handed-back',
      // Back in the dispatcher's queue: nobody owns it until it is assigned again.
      set: { ...ownerColumns(undefined), accept_due_at: null, complete_due_at: null },
      reason: request.reason,
      data: { previousOwner: ownerOf(row) },
    }));
  }

  reject(request: RejectCaseRequest): Promise<Case> {
    return this.change(request, 'reject', undefined, async () => ({ action: 'reject', to: 'rejected', reason: request.reason }));
  }

  merge(request: MergeCaseRequest): Promise<Case> {
    return this.change(request, 'merge', undefined, async (row, em) => {
      if (request.duplicateOf === row.id) throw GridworkError.validation([{ field: 'duplicateOf', messages: ['a case cannot duplicate itself'] }]);
      const [original] = await em.query<CaseRow[]>(`SELECT * FROM "case" WHERE id = $1`, [request.duplicateOf]);
      if (!original) throw GridworkError.notFound(`case ${request.duplicateOf}`);
      if (original.state === 'merged') throw new GridworkError(ErrorCode.CONFLICT, `case ${original.number} is itself merged into another; merge into that one`);
      return { action: 'merge', to: 'merged', set: { duplicate_of: original.id }, reason: request.reason ?? `duplicate of ${original.number}`, data: { duplicateOf: original.number } };
    });
  }

  /**
   * The reporter's satisfaction (回访): satisfied or basically satisfied
   * verifies the case; unsatisfied reopens it once with the same owner and new
   * deadlines, and the second time sends it to the level above.
   */
  callback(request: CallbackCaseRequest): Promise<Case> {
    return this.change(request, 'callback', undefined, async (row, em, now): Promise<Change> => {
      const data = request.comment ? { comment: request.comment } : undefined;
      if (request.satisfaction !== 'unsatisfied') {
        return { action: 'callback', to: 'verified', set: { satisfaction: request.satisfaction }, reason: request.satisfaction, data };
      }
      const deadlines = await this.deadlines(em, await this.categoryOf(em, row), now);
      if (row.reopen_count === 0) {
        return {
          action: 'callback',
          to: 'reopened',
          set: { satisfaction: 'unsatisfied', reopen_count: 1, claimed_at: null, resolved_at: null, assigned_at: now, ...deadlines },
          reason: 'unsatisfied: reopened for the same owner',
          data,
        };
      }
      const above = ownerAbove(row);
      if (!above) {
        return {
          action: 'callback',
          to: 'handed-back',
          set: { satisfaction: 'unsatisfied', reopen_count: row.reopen_count + 1, ...ownerColumns(undefined), accept_due_at: null, complete_due_at: null },
          reason: 'unsatisfied again and there is no level above: back to the dispatcher',
          data,
        };
      }
      return {
        action: 'callback',
        to: 'assigned',
        set: { satisfaction: 'unsatisfied', reopen_count: row.reopen_count + 1, ...ownerColumns(above), assigned_at: now, claimed_at: null, resolved_at: null, ...deadlines },
        reason: `unsatisfied again: sent up to the ${above.level} level`,
        data: { ...data, owner: above },
      };
    });
  }

  close(request: CloseCaseRequest): Promise<Case> {
    return this.change(request, 'close', undefined, async (_row, _em, now) => ({ action: 'close', to: 'closed', set: { closed_at: now } }));
  }

  /** A grid-level case that names no worker (its grid had none) is the case of whoever serves the grid now, as the grid service says. */
  private async assertServes(em: EntityManager, row: CaseRow, who: Who): Promise<void> {
    if (row.owner_worker_id) return;
    if (!(await this.routing.workers.serves(em, who.id!, row.owner_area_code!, new Date()))) {
      throw new GridworkError(ErrorCode.FORBIDDEN, `case ${row.number} belongs to grid ${row.owner_area_code}, which worker ${who.id} does not serve`);
    }
  }

  private async categoryOf(em: EntityManager, row: CaseRow): Promise<CategoryRow> {
    return (await this.categories.byCodes(em, [row.category_code])).get(row.category_code)!;
  }

  private async deadlines(em: EntityManager, category: CategoryRow, now: Date) {
    return deadlinesOf(await this.calendar.rules(em, now), category, now);
  }

  /** Locks the case, checks who may act and that the action is legal, then applies the change. */
  private async change(
    request: CaseCommand,
    action: Change['action'],
    department: string | undefined,
    decide: (row: CaseRow, em: EntityManager, now: Date) => Promise<Change>,
  ): Promise<Case> {
    const who = actorOf(request, department);
    return this.dataSource.transaction(async (em) => {
      const row = await lockCase(em, request.caseId);
      assertWithinActorsAreas(row, request.actor);
      authorize(row, action, who);
      if (who.kind === 'worker') await this.assertServes(em, row, who);
      assertLegal(row, action);
      const now = new Date();
      return caseOf(await applyChange(em, row, who, await decide(row, em, now), now));
    });
  }
}

function actorOf(request: CaseCommand, department: string | undefined): Who {
  if (department) return { kind: 'department', id: department };
  if (!request.actor) throw GridworkError.validation([{ field: 'actor', messages: ['actor is required (who is acting)'] }]);
  return { kind: request.actor.kind, id: request.actor.id, name: request.actor.name };
}

/**
 * A department acts only on the cases it owns, and a grid worker only on the
 * grid-level cases given to them; anyone else acting is the dispatcher (an
 * operator), or staff of a level acting through an operator's account.
 */
function authorize(row: CaseRow, action: Change['action'], who: Who): void {
  if (who.kind === 'department') {
    if (!OWNER_ACTIONS.has(action)) throw new GridworkError(ErrorCode.FORBIDDEN, `a department system cannot ${action} cases`);
    if (row.owner_kind !== 'department' || row.owner_department !== who.id) {
      throw new GridworkError(ErrorCode.FORBIDDEN, `case ${row.number} is not owned by ${who.id}`);
    }
  }
  if (who.kind === 'worker') {
    if (!OWNER_ACTIONS.has(action)) throw new GridworkError(ErrorCode.FORBIDDEN, `a grid worker cannot ${action} cases: the dispatcher does`);
    if (row.owner_kind !== 'level' || row.owner_level !== 'grid') {
      throw new GridworkError(ErrorCode.FORBIDDEN, `case ${row.number} is owned by ${describeOwner(row)}, not by a grid worker`);
    }
    if (row.owner_worker_id && row.owner_worker_id !== who.id) throw new GridworkError(ErrorCode.FORBIDDEN, `case ${row.number} is given to another worker`);
  }
  if (who.kind === 'reporter') throw new GridworkError(ErrorCode.FORBIDDEN, `a reporter cannot ${action} cases: the dispatcher does, and calls the reporter back`);
}

const describeOwner = (row: CaseRow): string =>
  row.owner_kind === 'department' ? `department ${row.owner_department}` : row.owner_kind === 'level' ? `the ${row.owner_level} level (${row.owner_area_code})` : 'nobody (the dispatcher’s queue)';
