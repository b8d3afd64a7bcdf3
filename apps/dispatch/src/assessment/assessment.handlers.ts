import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  FINAL_STATES,
  SATISFACTION,
  subjects,
  type CaseAssigned,
  type CaseClosed,
  type CaseFlagged,
  type CaseReported,
  type CaseStateChanged,
  type CaseSupervised,
  type Satisfaction,
} from '@gridwork/contracts';
import { OnEvent, type EventContext } from '@gridwork/messaging';
import type { CaseRow } from '../cases/case.rows.js';
import { areaTargets, bump, departmentTargets, departmentTargetsOf, type Deltas, type StatTarget } from './rollup.js';
import { localDay } from '@gridwork/local-time';

/** Ended cases' assignment rows are kept this long, for events applied late. */
const KEEP_ENDED_MS = 30 * 24 * 3600_000;

/** What the handlers read of the case row. */
type CaseFacts = Pick<CaseRow, 'grid_code' | 'area_path' | 'owner_kind' | 'owner_department' | 'assigned_at' | 'accept_due_at' | 'complete_due_at' | 'satisfaction'>;

/** An assignment as announced: who owned the case and its deadlines. */
interface Assignment {
  assigned_at: Date;
  owner_kind: string | null;
  owner_department: string | null;
  accept_due_at: Date | null;
  complete_due_at: Date | null;
}

/** `case.assigned` rows of this batch, written in one statement before anything reads or changes the table (or at commit). */
class PendingAssignments {
  private events: CaseAssigned[] = [];

  add(event: CaseAssigned): void {
    this.events.push(event);
  }

  async write(em: EntityManager): Promise<void> {
    if (this.events.length === 0) return;
    const events = this.events;
    this.events = [];
    await em.query(
      `INSERT INTO case_stat_assignment (case_id, assigned_at, owner_kind, owner_department, accept_due_at, complete_due_at)
       SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[])
       ON CONFLICT (case_id, assigned_at) DO NOTHING`,
      [
        events.map((e) => e.caseId),
        events.map((e) => e.at),
        events.map((e) => e.owner.kind),
        events.map((e) => e.owner.department ?? null),
        events.map((e) => e.acceptDueAt ?? null),
        events.map((e) => e.completeDueAt ?? null),
      ],
    );
  }
}

const ASSIGNMENTS = {};
const pendingAssignments = (context: EventContext): PendingAssignments =>
  context.batched(ASSIGNMENTS, () => new PendingAssignments(), (pending, em) => pending.write(em));

/** The transaction, once the batch's pending assignment rows are in it. */
async function assignmentsWritten(context: EventContext): Promise<EntityManager> {
  await pendingAssignments(context).write(context.em);
  return context.em;
}

/**
 * Keeps the assessment rollups (`case_stat_daily`) from dispatch's own case
 * events. The messaging lib applies each event once, in the transaction that
 * records it in the inbox, so each fact is counted exactly once; what each
 * measure counts and on which day it lands is set out in
 * `libs/contracts/src/dispatch/assessment.ts`.
 *
 * Claims, resolutions, hand-backs, callbacks and missed deadlines are
 * judged against the assignment in force just before them: the latest line
 * of the case's timeline that gave it an owner (to `assigned` or
 * `reopened`) earlier than the event. Its owner and deadlines are read from
 * the case row while the case still holds that assignment (so a deadline a
 * supervision order tightened counts); once the case has moved on, from
 * what that assignment's `case.assigned` event announced (kept in
 * `case_stat_assignment`, adjusted by `case.supervised`). So the figures do
 * not depend on how late an event is applied. Should the assignment's own
 * event not have been applied yet (it comes first in the stream, but
 * replicas work in parallel), the event is retried until it has.
 */
@Injectable()
export class AssessmentHandlers {
  @OnEvent(subjects.dispatch.case.reported)
  async onReported(reported: CaseReported, context: EventContext): Promise<void> {
    // Areas receive what is reported in them; a department what intake routed to it.
    bump(context, localDay(reported.reportedAt), [...departmentTargets(reported.owner), ...areaTargets(reported.areaPath)], { received: 1 });
  }

  @OnEvent(subjects.dispatch.case.assigned)
  async onAssigned(event: CaseAssigned, context: EventContext): Promise<void> {
    pendingAssignments(context).add(event);
  }

  @OnEvent(subjects.dispatch.case.supervised)
  async onSupervised(event: CaseSupervised, context: EventContext): Promise<void> {
    // A supervision order may tighten the deadlines of the assignment in force.
    if (!event.acceptDueAt && !event.completeDueAt) return;
    const em = await assignmentsWritten(context);
    await em.query(
      `UPDATE case_stat_assignment SET accept_due_at = COALESCE($3, accept_due_at), complete_due_at = COALESCE($4, complete_due_at)
        WHERE case_id = $1 AND assigned_at = (SELECT max(assigned_at) FROM case_stat_assignment WHERE case_id = $1 AND assigned_at <= $2)`,
      [event.caseId, event.at, event.acceptDueAt ?? null, event.completeDueAt ?? null],
    );
  }

  @OnEvent(subjects.dispatch.case.flagged)
  async onFlagged(event: CaseFlagged, context: EventContext): Promise<void> {
    // A deadline passed unmet (supervision's timer): the assignment that missed it is overdue, once.
    const em = await assignmentsWritten(context);
    const at = new Date(event.at);
    const facts = await this.facts(em, event.caseId);
    if (!facts) return;
    const assignment = await this.assignmentBefore(em, event.caseId, at, facts);
    if (!assignment) return;
    const targets = [...departmentTargetsOf(assignment.owner_kind, assignment.owner_department), ...areaTargets(await this.pathOf(em, facts, event.gridCode))];
    if (await this.markMissed(em, event.caseId, assignment)) bump(context, localDay(at), targets, { overdue: 1 });
  }

  @OnEvent(subjects.dispatch.case.stateChanged)
  async onStateChanged(event: CaseStateChanged, context: EventContext): Promise<void> {
    const at = new Date(event.at);
    const day = localDay(at);
    if ((FINAL_STATES as readonly string[]).includes(event.to)) await this.ended(await assignmentsWritten(context), event.caseId, at);
    if (event.to === 'assigned' && event.owner?.kind === 'department') {
      // A department receives each case given to it after intake (assigned by the dispatcher, or sent on).
      bump(context, day, departmentTargets(event.owner), { received: 1 });
    }
    const judged = event.action === 'claim' || event.action === 'resolve' || event.action === 'hand-back' || event.action === 'callback';
    if (!judged) return;
    const em = await assignmentsWritten(context);
    const facts = await this.facts(em, event.caseId);
    if (!facts) return;
    const assignment = await this.assignmentBefore(em, event.caseId, at, facts);
    const targets: StatTarget[] = [
      ...(assignment ? departmentTargetsOf(assignment.owner_kind, assignment.owner_department) : departmentTargets(event.owner)),
      ...areaTargets(await this.pathOf(em, facts, event.gridCode)),
    ];
    const after = (due: Date | null | undefined) => !!due && at.getTime() > due.getTime();
    const deltas: Deltas = {};
    let late = false;
    switch (event.action) {
      case 'claim':
        late = after(assignment?.accept_due_at);
        deltas[late ? 'accepted_late' : 'accepted_on_time'] = 1;
        break;
      case 'resolve':
        late = after(assignment?.complete_due_at);
        deltas[late ? 'completed_late' : 'completed_on_time'] = 1;
        break;
      case 'hand-back': {
        deltas.handed_back = 1;
        const unclaimed = event.from === 'assigned' || event.from === 'reopened';
        late = (unclaimed && after(assignment?.accept_due_at)) || after(assignment?.complete_due_at);
        break;
      }
      case 'callback': {
        const answer: Satisfaction =
          event.to === 'verified' ? (SATISFACTION.includes(event.reason as Satisfaction) ? (event.reason as Satisfaction) : (facts.satisfaction ?? 'satisfied')) : 'unsatisfied';
        deltas[answer === 'basically-satisfied' ? 'basically_satisfied' : answer] = 1;
        if (event.to !== 'verified') deltas.reopened = 1;
        break;
      }
    }
    if (late && assignment && (await this.markMissed(em, event.caseId, assignment))) deltas.overdue = 1;
    bump(context, day, targets, deltas);
  }

  @OnEvent(subjects.dispatch.case.closed)
  async onClosed({ case: c }: CaseClosed, context: EventContext): Promise<void> {
    const closedAt = c.closedAt ?? c.updatedAt;
    const minutes = Math.max(0, Math.round((Date.parse(closedAt) - Date.parse(c.reportedAt)) / 60_000));
    bump(context, localDay(closedAt), [...departmentTargets(c.owner), ...areaTargets(c.areaPath)], {
      closed: 1,
      closed_first_time: c.reopenCount === 0 ? 1 : 0,
      close_minutes_total: minutes,
    });
  }

  private async facts(em: EntityManager, caseId: string): Promise<CaseFacts | undefined> {
    const [row] = await em.query<CaseFacts[]>(
      `SELECT grid_code, area_path, owner_kind, owner_department, assigned_at, accept_due_at, complete_due_at, satisfaction FROM "case" WHERE id = $1`,
      [caseId],
    );
    return row;
  }

  /** The case's area path for the grid an event names: the case's own when it is still there, else the grid's. */
  private async pathOf(em: EntityManager, facts: CaseFacts, gridCode: string | undefined): Promise<string[]> {
    if (!gridCode) return [];
    if (facts.grid_code === gridCode) return facts.area_path;
    const [area] = await em.query<{ path: string[] }[]>(`SELECT path FROM known_area WHERE code = $1`, [gridCode]);
    return area?.path ?? [];
  }

  /** The assignment in force just before `at` (see the class comment); undefined when the case had none. */
  private async assignmentBefore(em: EntityManager, caseId: string, at: Date, facts: CaseFacts): Promise<Assignment | undefined> {
    const [found] = await em.query<(Partial<Assignment> & { since: Date | null })[]>(
      `WITH since AS (
         SELECT max(at) AS at FROM case_timeline WHERE case_id = $1 AND to_state IN ('assigned', 'reopened') AND at < $2)
       SELECT since.at AS since, s.assigned_at, s.owner_kind, s.owner_department, s.accept_due_at, s.complete_due_at
         FROM since LEFT JOIN case_stat_assignment s ON s.case_id = $1 AND s.assigned_at = since.at`,
      [caseId, at],
    );
    const since = found?.since;
    if (!since) return undefined;
    // While the case still holds that assignment, its row is the truth (with any tightening a supervision order made).
    if (facts.assigned_at?.getTime() === since.getTime() && facts.owner_kind) {
      const assignment: Assignment = {
        assigned_at: since,
        owner_kind: facts.owner_kind,
        owner_department: facts.owner_department,
        accept_due_at: facts.accept_due_at,
        complete_due_at: facts.complete_due_at,
      };
      if (!found.assigned_at) {
        await em.query(
          `INSERT INTO case_stat_assignment (case_id, assigned_at, owner_kind, owner_department, accept_due_at, complete_due_at)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (case_id, assigned_at) DO NOTHING`,
          [caseId, since, assignment.owner_kind, assignment.owner_department, assignment.accept_due_at, assignment.complete_due_at],
        );
      }
      return assignment;
    }
    if (found.assigned_at) return found as Assignment;
    // Thrown so the event is retried: the assignment's own event will have been applied by then.
    throw new Error(`case ${caseId}: the assignment of ${since.toISOString()} has not been applied yet`);
  }

  /** Marks an assignment as having missed a deadline; true only the first time. */
  private async markMissed(em: EntityManager, caseId: string, assignment: Assignment): Promise<boolean> {
    const [rows] = await em.query<[unknown[], number]>(
      `UPDATE case_stat_assignment SET missed = true WHERE case_id = $1 AND assigned_at = $2 AND NOT missed RETURNING 1`,
      [caseId, assignment.assigned_at],
    );
    return rows.length > 0;
  }

  /** A case reached a final state: its assignment rows go once no late event can need them. */
  private async ended(em: EntityManager, caseId: string, at: Date): Promise<void> {
    await em.query(`UPDATE case_stat_assignment SET ended_at = $2 WHERE case_id = $1 AND ended_at IS NULL`, [caseId, at]);
    await em.query(
      `DELETE FROM case_stat_assignment WHERE ctid = ANY (ARRAY(
         SELECT ctid FROM case_stat_assignment WHERE ended_at < $1 ORDER BY ended_at LIMIT 100))`,
      [new Date(at.getTime() - KEEP_ENDED_MS)],
    );
  }
}
