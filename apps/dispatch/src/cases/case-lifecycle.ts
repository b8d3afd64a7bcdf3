import type { EntityManager } from 'typeorm';
import {
  ErrorCode,
  GridworkError,
  levelAbove,
  subjects,
  type CaseAssigned,
  type CaseOwner,
  type CaseState,
  type Deadline,
  type Flag,
  type TimelineEntry,
} from '@gridwork/contracts';
import { publishInTransaction } from '@gridwork/messaging';
import { areaAtLevel } from '../routing/routing.service.js';
import { caseInEventsOf, ownerOf, type CaseRow, type TimedCaseRow } from './case.rows.js';
import { appendTimeline } from './timeline.js';

/*
 * The case lifecycle: after intake stores a case, every write to its row is
 * one of the functions here, run in the caller's transaction on a row the
 * caller has locked (`lockCase`).
 *
 * - `applyChange`, the state machine: it checks the transition is legal,
 *   updates the row, appends the timeline line and writes the events.
 * - Changes that keep the state: a supervision order's tighter deadline
 *   (`tightenCompletionDeadline`) and the deadline timers' marks
 *   (`markReminded`, `flagMissed`). Their callers write the timeline lines
 *   and events that say why.
 */

export type CaseAction = 'accept' | 'assign' | 'claim' | 'resolve' | 'hand-back' | 'reject' | 'merge' | 'callback' | 'close' | 'escalate';

/** The states each action may start from. */
const LEGAL_FROM: Record<CaseAction, readonly CaseState[]> = {
  accept: ['reported'],
  assign: ['reported', 'accepted', 'assigned', 'in-progress', 'handed-back', 'reopened'],
  claim: ['assigned', 'reopened'],
  resolve: ['in-progress'],
  'hand-back': ['assigned', 'in-progress', 'reopened'],
  // The dispatcher may reject a routed case too (not in scope after all), without asking its owner to hand it back first.
  reject: ['reported', 'accepted', 'assigned', 'in-progress', 'handed-back', 'reopened'],
  merge: ['reported', 'accepted', 'assigned', 'handed-back'],
  callback: ['resolved'],
  close: ['verified'],
  escalate: ['assigned', 'in-progress', 'reopened'],
};

/** Who did it, as the timeline records it. */
export interface Who {
  kind: TimelineEntry['actorKind'];
  id?: string;
  name?: string;
}

export const SYSTEM: Who = { kind: 'system' };

export interface Change {
  action: CaseAction;
  to: CaseState;
  /** Columns to change besides state, version and updated_at. */
  set?: Partial<Omit<CaseRow, 'id' | 'state' | 'version' | 'updated_at'>>;
  reason?: string;
  data?: Record<string, unknown>;
}

const CHANGEABLE = new Set<string>([
  'owner_kind',
  'owner_department',
  'owner_level',
  'owner_area_code',
  'owner_worker_id',
  'accept_due_at',
  'complete_due_at',
  'flag',
  'overdue_count',
  'reopen_count',
  'satisfaction',
  'duplicate_of',
  'assigned_at',
  'claimed_at',
  'resolved_at',
  'closed_at',
  'grid_code',
  'area_path',
]);

export function assertLegal(row: CaseRow, action: CaseAction): void {
  if (!LEGAL_FROM[action].includes(row.state)) {
    throw new GridworkError(ErrorCode.CONFLICT, `case ${row.number} is ${row.state}: it cannot be ${pastTense(action)} (only from ${LEGAL_FROM[action].join(', ')})`);
  }
}

const pastTense = (action: CaseAction): string =>
  ({ accept: 'accepted', assign: 'assigned', claim: 'claimed', resolve: 'resolved', 'hand-back': 'handed back', reject: 'rejected', merge: 'merged', callback: 'called back', close: 'closed', escalate: 'escalated' })[action];

/** Applies a change to a locked case row; returns the new row. */
export async function applyChange(em: EntityManager, row: CaseRow, who: Who, change: Change, now = new Date()): Promise<CaseRow> {
  assertLegal(row, change.action);
  const set = Object.entries(change.set ?? {});
  for (const [column] of set) if (!CHANGEABLE.has(column)) throw new Error(`applyChange: ${column} cannot be changed`);
  // TypeORM answers an UPDATE with [rows, affected count].
  const [[updated]] = await em.query<[CaseRow[], number]>(
    `UPDATE "case" SET state = $2, updated_at = $3, version = version + 1${set.map(([column], i) => `, ${column} = $${i + 4}`).join('')}
      WHERE id = $1 RETURNING *`,
    [row.id, change.to, now, ...set.map(([, value]) => (Array.isArray(value) || value === null || typeof value !== 'object' || value instanceof Date ? value : JSON.stringify(value)))],
  );
  await appendTimeline(em, [
    {
      caseId: row.id,
      at: now,
      actorKind: who.kind,
      actorId: who.id,
      actorName: who.name,
      action: change.action,
      fromState: row.state,
      toState: change.to,
      reason: change.reason,
      data: change.data,
    },
  ]);
  await announce(em, row, updated!, who, change, now);
  return updated!;
}

async function announce(em: EntityManager, before: CaseRow, after: CaseRow, who: Who, change: Change, now: Date): Promise<void> {
  const owner = ownerOf(after);
  const previousOwner = ownerOf(before);
  const ownerChanged = JSON.stringify(owner ?? null) !== JSON.stringify(previousOwner ?? null);
  await publishInTransaction(em, subjects.dispatch.case.stateChanged, {
    caseId: after.id,
    number: after.number,
    action: change.action,
    from: before.state,
    to: after.state,
    ...(owner ? { owner } : {}),
    ...(ownerChanged && previousOwner ? { previousOwner } : {}),
    ...(after.grid_code ? { gridCode: after.grid_code } : {}),
    categoryCode: after.category_code,
    actorKind: who.kind,
    ...(who.id ? { actorId: who.id } : {}),
    ...(change.reason ? { reason: change.reason } : {}),
    at: now.toISOString(),
  });
  const reassigned = change.set && ('owner_kind' in change.set || 'owner_area_code' in change.set || 'owner_department' in change.set);
  if (owner && (reassigned || after.state === 'reopened')) {
    // Reopened for the same owner (重办) is told as such, not as a new assignment.
    await publishInTransaction(em, subjects.dispatch.case.assigned, { ...assignedOf(after, now), ...(after.state === 'reopened' && !ownerChanged ? { reopened: true } : {}) });
  }
  if (after.state === 'closed') {
    await publishInTransaction(em, subjects.dispatch.case.closed, {
      case: caseInEventsOf(after),
      hoursToClose: Math.round((now.getTime() - after.reported_at.getTime()) / 3600_000),
    });
  }
}

/**
 * A supervision order's tighter completion deadline; the claim deadline
 * cannot fall after it. The trigger plans the new reminders. Returns the row
 * as it now stands.
 */
export async function tightenCompletionDeadline(em: EntityManager, row: CaseRow, due: Date, now: Date): Promise<TimedCaseRow> {
  const [[updated]] = await em.query<[TimedCaseRow[], number]>(
    `UPDATE "case" SET complete_due_at = $2, accept_due_at = LEAST(accept_due_at, $2), updated_at = $3, version = version + 1
      WHERE id = $1 RETURNING *`,
    [row.id, due, now],
  );
  return updated!;
}

/** Marks deadlines as reminded, so each reminder is sent once. Not a change of the case: no new version. */
export async function markReminded(em: EntityManager, row: CaseRow, deadlines: Deadline[], now: Date): Promise<void> {
  await em.query(`UPDATE "case" SET ${deadlines.map((d) => `${d}_reminded_at = $2`).join(', ')} WHERE id = $1`, [row.id, now]);
}

/**
 * Flags a case that missed deadlines and stays with its owner (there is no
 * level above to send it to): one more miss counted, and the missed
 * deadlines marked so they do not fire again.
 */
export async function flagMissed(em: EntityManager, row: CaseRow, flag: Flag, missed: Deadline[], now: Date): Promise<void> {
  await em.query(
    `UPDATE "case" SET flag = $2, overdue_count = overdue_count + 1, updated_at = $3, version = version + 1,
            accept_missed_at = CASE WHEN $4 THEN $3 ELSE accept_missed_at END,
            complete_missed_at = CASE WHEN $5 THEN $3 ELSE complete_missed_at END
      WHERE id = $1`,
    [row.id, flag, now, missed.includes('accept'), missed.includes('complete')],
  );
}

/** The `case.assigned` event of a case as it now stands. */
export function assignedOf(row: CaseRow, now: Date): CaseAssigned {
  return {
    caseId: row.id,
    number: row.number,
    owner: ownerOf(row)!,
    categoryCode: row.category_code,
    ...(row.grid_code ? { gridCode: row.grid_code } : {}),
    ...(row.accept_due_at ? { acceptDueAt: row.accept_due_at.toISOString() } : {}),
    ...(row.complete_due_at ? { completeDueAt: row.complete_due_at.toISOString() } : {}),
    at: now.toISOString(),
  };
}

/**
 * The owner one level up: grid → community → township → district; a
 * department's case goes to the district the case is in. Undefined at the
 * district or when the case has no area to climb.
 */
export function ownerAbove(row: CaseRow): CaseOwner | undefined {
  const current = ownerOf(row);
  const target = current?.kind === 'level' ? levelAbove(current.level!) : 'district';
  if (!target) return undefined;
  const areaCode = areaAtLevel(row.area_path, target);
  return areaCode ? { kind: 'level', level: target, areaCode } : undefined;
}
