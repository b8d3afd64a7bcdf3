import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ErrorCode,
  GridworkError,
  RESPONSE_LEVELS,
  subjects,
  type Actor,
  type CaseOwner,
  type FieldError,
  type ListSupervisionOrdersRequest,
  type SuperviseCaseRequest,
  type SupervisionIssuer,
  type SupervisionOrder,
  type SupervisionOrderPage,
} from '@gridwork/contracts';
import { publishInTransaction } from '@gridwork/messaging';
import { newId } from '@gridwork/persistence';
import { tightenCompletionDeadline } from '../cases/case-lifecycle.js';
import { assertWithinActorsAreas, lockCase, ownerOf, type TimedCaseRow } from '../cases/case.rows.js';
import { NewestFirst } from '../common/newest-first.js';
import { appendTimeline } from '../cases/timeline.js';
import { areaAtLevel } from '../routing/routing.service.js';
import { HANDLED_STATES } from './deadlines.js';
import { localTime } from '@gridwork/local-time';

interface OrderRow {
  id: string;
  case_id: string;
  case_number: string;
  issuer_level: SupervisionIssuer['level'];
  issuer_area_code: string | null;
  actor: Actor;
  note: string;
  owner: CaseOwner;
  complete_due_at: Date | null;
  previous_complete_due_at: Date | null;
  issued_at: Date;
}

function orderOf(row: OrderRow): SupervisionOrder {
  return {
    id: row.id,
    caseId: row.case_id,
    caseNumber: row.case_number,
    issuer: row.issuer_area_code ? { level: row.issuer_level, areaCode: row.issuer_area_code } : { level: row.issuer_level },
    actor: row.actor,
    note: row.note,
    owner: row.owner,
    ...(row.complete_due_at ? { completeDueAt: row.complete_due_at.toISOString() } : {}),
    ...(row.previous_complete_due_at ? { previousCompleteDueAt: row.previous_complete_due_at.toISOString() } : {}),
    issuedAt: row.issued_at.toISOString(),
  };
}

/**
 * How high an owner sits: the four levels in order, and a department (a
 * district body) between the township and the district, so its district
 * supervises it, as the district is where its missed deadlines escalate.
 */
const rankOf = (owner: CaseOwner): number => (owner.kind === 'department' ? 2.5 : RESPONSE_LEVELS.indexOf(owner.level!));
const ownerText = (owner: CaseOwner): string => (owner.kind === 'department' ? `department ${owner.department}` : `the ${owner.level} level (${owner.areaCode})`);

/** An order as asked for, checked as far as it can be without the case. */
interface AskedOrder {
  actor: Actor;
  level: SupervisionIssuer['level'];
  areaCode?: string;
  note: string;
  /** The tighter completion deadline, when the order sets one. */
  tighter?: Date;
}

/** What needs no case: an operator issues it, the issuer names its area (the platform none), a tighter deadline is in the future. */
function checkRequest(request: SuperviseCaseRequest, now: Date): AskedOrder {
  const actor = request.actor;
  const problems: FieldError[] = [];
  if (!actor) problems.push({ field: 'actor', messages: ['actor is required (the operator issuing the order)'] });
  const { level, areaCode } = request.issuer;
  if (level === 'platform' && areaCode) problems.push({ field: 'issuer.areaCode', messages: ['the platform issues orders without an area'] });
  if (level !== 'platform' && !areaCode) problems.push({ field: 'issuer.areaCode', messages: [`issuer.areaCode is required: which ${level} issues the order`] });
  const tighter = request.completeDueAt ? new Date(request.completeDueAt) : undefined;
  if (tighter && tighter <= now) problems.push({ field: 'completeDueAt', messages: ['completeDueAt must be in the future'] });
  if (problems.length > 0) throw GridworkError.validation(problems);
  if (actor!.kind !== 'operator') throw new GridworkError(ErrorCode.FORBIDDEN, `only an operator issues supervision orders, not a ${actor!.kind}`);
  return { actor: actor!, level, areaCode, note: request.note, tighter };
}

/**
 * The case is being handled, the issuer sits above its owner and the case
 * is in the issuer's area, and a tighter deadline is tighter. Returns the
 * owner the order goes to.
 */
function assertMaySupervise(row: TimedCaseRow, { level, areaCode, tighter }: AskedOrder): CaseOwner {
  const owner = ownerOf(row);
  if (!HANDLED_STATES.includes(row.state) || !owner) {
    throw new GridworkError(ErrorCode.CONFLICT, `case ${row.number} is ${row.state}: supervision orders are for cases being handled (${HANDLED_STATES.join(', ')})`);
  }
  if (level !== 'platform') {
    if (RESPONSE_LEVELS.indexOf(level) <= rankOf(owner)) {
      throw new GridworkError(ErrorCode.FORBIDDEN, `case ${row.number} is owned by ${ownerText(owner)}: a ${level} cannot supervise it; orders come from a level above the owner`);
    }
    if (areaAtLevel(row.area_path, level) !== areaCode) {
      throw new GridworkError(ErrorCode.FORBIDDEN, `case ${row.number} is not in ${level} ${areaCode}`);
    }
  }
  if (tighter && row.complete_due_at && tighter >= row.complete_due_at) {
    throw GridworkError.validation([
      { field: 'completeDueAt', messages: [`completeDueAt must be earlier than the current deadline (${row.complete_due_at.toISOString()})`] },
    ]);
  }
  return owner;
}

/** Keeps the order, with the deadline it replaces when it tightens one. */
async function insertOrder(em: EntityManager, row: TimedCaseRow, owner: CaseOwner, asked: AskedOrder, now: Date): Promise<OrderRow> {
  const { actor, tighter } = asked;
  const [order] = await em.query<OrderRow[]>(
    `INSERT INTO supervision_order (id, case_id, case_number, area_path, issuer_level, issuer_area_code, actor, note, owner, owner_department,
                                    complete_due_at, previous_complete_due_at, issued_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING *`,
    [
      newId(),
      row.id,
      row.number,
      row.area_path,
      asked.level,
      asked.areaCode ?? null,
      JSON.stringify({ kind: actor.kind, id: actor.id, ...(actor.name ? { name: actor.name } : {}) }),
      asked.note,
      JSON.stringify(owner),
      owner.kind === 'department' ? owner.department : null,
      tighter ?? null,
      tighter ? row.complete_due_at : null,
      now,
    ],
  );
  return order!;
}

/**
 * Supervision orders (统一督办): an upper level or the platform orders the
 * owner of a case being handled to act, with a note and optionally a tighter
 * completion deadline. Each order is kept, written to the case's timeline
 * and announced to the owner.
 */
@Injectable()
export class SupervisionService {
  constructor(private readonly dataSource: DataSource) {}

  async supervise(request: SuperviseCaseRequest): Promise<SupervisionOrder> {
    const now = new Date();
    const asked = checkRequest(request, now);
    return this.dataSource.transaction(async (em) => {
      const row = await lockCase<TimedCaseRow>(em, request.caseId);
      assertWithinActorsAreas(row, request.actor);
      const owner = assertMaySupervise(row, asked);
      const order = orderOf(await insertOrder(em, row, owner, asked, now));
      const after = asked.tighter ? await tightenCompletionDeadline(em, row, asked.tighter, now) : row;
      await appendTimeline(em, [
        {
          caseId: row.id,
          at: now,
          actorKind: 'operator',
          actorId: asked.actor.id,
          actorName: asked.actor.name,
          action: 'supervise',
          reason: asked.tighter ? `${asked.note} (to be resolved by ${localTime(asked.tighter)})` : asked.note,
          data: { orderId: order.id, issuer: order.issuer, ...(asked.tighter ? { completeDueAt: order.completeDueAt, previousCompleteDueAt: order.previousCompleteDueAt } : {}) },
        },
      ]);
      await publishInTransaction(em, subjects.dispatch.case.supervised, {
        caseId: row.id,
        number: row.number,
        owner,
        categoryCode: row.category_code,
        ...(row.grid_code ? { gridCode: row.grid_code } : {}),
        at: now.toISOString(),
        order,
        ...(after.accept_due_at ? { acceptDueAt: after.accept_due_at.toISOString() } : {}),
        ...(after.complete_due_at ? { completeDueAt: after.complete_due_at.toISOString() } : {}),
      });
      return order;
    });
  }

  async list(request: ListSupervisionOrdersRequest, department?: string): Promise<SupervisionOrderPage> {
    if (department && request.ownerDepartment && request.ownerDepartment !== department) {
      throw GridworkError.validation([{ field: 'ownerDepartment', messages: [`a department system lists only the orders addressed to it (${department})`] }]);
    }
    const orders = new NewestFirst('supervision_order');
    if (request.caseId) orders.where('case_id = ?', request.caseId);
    if (request.areaCode) orders.where('area_path @> ARRAY[?::text]', request.areaCode);
    const ownerDepartment = department ?? request.ownerDepartment;
    if (ownerDepartment) orders.where('owner_department = ?', ownerDepartment);
    return orders.page(this.dataSource.manager, request, orderOf);
  }
}
