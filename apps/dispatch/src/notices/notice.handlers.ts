import { Injectable } from '@nestjs/common';
import {
  subjects,
  type CaseAssigned,
  type CaseEscalated,
  type CaseFlagged,
  type CaseOwner,
  type CaseReminded,
  type CaseStateChanged,
  type CaseSupervised,
  type DepartmentNotice,
} from '@gridwork/contracts';
import { OnEvent, type EventContext } from '@gridwork/messaging';

/** The department a case owner is, if it is one. */
const departmentOf = (owner: CaseOwner | undefined): string | undefined => (owner?.kind === 'department' ? owner.department : undefined);

/**
 * Turns dispatch's own case events into notices for the departments they
 * concern. Dispatch consumes its own stream like any other: each event is
 * handled once (inbox) and its notices are written to the outbox in that
 * same transaction, so a notice is neither lost nor doubled. Cases owned at
 * a level (grid, community, township, district) get no notice: people there
 * see their queues through the gateway.
 */
@Injectable()
export class NoticeHandlers {
  @OnEvent(subjects.dispatch.case.assigned)
  async onAssigned(event: CaseAssigned, ctx: EventContext): Promise<void> {
    await notify(ctx, departmentOf(event.owner), event.reopened ? 'reopened' : 'assigned', event.caseId, event.number, event.at, {
      categoryCode: event.categoryCode,
      acceptDueAt: event.acceptDueAt,
      completeDueAt: event.completeDueAt,
    });
  }

  /**
   * A case taken from a department by someone else (reassigned, rejected,
   * merged, or back to the dispatcher after a callback): the department is
   * told it need do nothing more. Its own hand-back needs no telling, and an
   * escalation is told as `escalated`.
   */
  @OnEvent(subjects.dispatch.case.stateChanged)
  async onStateChanged(event: CaseStateChanged, ctx: EventContext): Promise<void> {
    if (event.action === 'escalate') return;
    const ended = event.to === 'rejected' || event.to === 'merged';
    const from = departmentOf(event.previousOwner) ?? (ended ? departmentOf(event.owner) : undefined);
    if (!from || (event.actorKind === 'department' && event.actorId === from)) return;
    if (!ended && departmentOf(event.owner) === from) return;
    await notify(ctx, from, 'withdrawn', event.caseId, event.number, event.at, { categoryCode: event.categoryCode, action: event.action, reason: event.reason });
  }

  @OnEvent(subjects.dispatch.case.reminded)
  async onReminded(event: CaseReminded, ctx: EventContext): Promise<void> {
    await notify(ctx, departmentOf(event.owner), 'reminded', event.caseId, event.number, event.at, {
      categoryCode: event.categoryCode,
      deadline: event.deadline,
      dueAt: event.dueAt,
    });
  }

  @OnEvent(subjects.dispatch.case.escalated)
  async onEscalated(event: CaseEscalated, ctx: EventContext): Promise<void> {
    const common = { categoryCode: event.categoryCode, flag: event.flag, reason: event.reason };
    const from = departmentOf(event.previousOwner);
    const to = departmentOf(event.owner);
    if (from && from !== to) await notify(ctx, from, 'escalated', event.caseId, event.number, event.at, { ...common, escalatedAway: true });
    await notify(ctx, to, 'escalated', event.caseId, event.number, event.at, {
      ...common,
      escalatedAway: false,
      acceptDueAt: event.acceptDueAt,
      completeDueAt: event.completeDueAt,
    });
  }

  @OnEvent(subjects.dispatch.case.flagged)
  async onFlagged(event: CaseFlagged, ctx: EventContext): Promise<void> {
    // An escalated case's flag reaches the department through `escalated`; this is for a case that stayed.
    if (event.escalated) return;
    await notify(ctx, departmentOf(event.owner), 'flagged', event.caseId, event.number, event.at, {
      categoryCode: event.categoryCode,
      flag: event.flag,
      reason: event.reason,
    });
  }

  @OnEvent(subjects.dispatch.case.supervised)
  async onSupervised(event: CaseSupervised, ctx: EventContext): Promise<void> {
    await notify(ctx, departmentOf(event.owner), 'supervised', event.caseId, event.number, event.at, {
      categoryCode: event.categoryCode,
      supervisionOrderId: event.order.id,
      reason: event.order.note,
      acceptDueAt: event.acceptDueAt,
      completeDueAt: event.completeDueAt,
    });
  }
}

async function notify(
  ctx: EventContext,
  department: string | undefined,
  kind: DepartmentNotice['kind'],
  caseId: string,
  caseNumber: string,
  at: string,
  details: Partial<DepartmentNotice>,
): Promise<void> {
  if (!department) return;
  const defined = Object.fromEntries(Object.entries(details).filter(([, value]) => value !== undefined));
  await ctx.publish(subjects.dispatch.notice[kind], { ...defined, department, kind, caseId, caseNumber, at }, { department });
}
