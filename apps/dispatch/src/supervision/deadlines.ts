import type { CaseState, Deadline } from '@gridwork/contracts';
import type { TimedCaseRow } from '../cases/case.rows.js';
import { localTime } from '@gridwork/local-time';

/** The states in which each deadline runs (the trigger in the migration says the same). */
const RUNS_IN: Record<Deadline, readonly CaseState[]> = {
  accept: ['assigned', 'reopened'],
  complete: ['assigned', 'reopened', 'in-progress'],
};

/** The states a case is being handled in, where deadlines run and supervision orders apply. */
export const HANDLED_STATES: readonly CaseState[] = RUNS_IN.complete;

export const dueOf = (row: TimedCaseRow, deadline: Deadline): Date | null => (deadline === 'accept' ? row.accept_due_at : row.complete_due_at);

/** Whether a deadline is running: its state, a due time, and its miss not yet dealt with. */
function runs(row: TimedCaseRow, deadline: Deadline): boolean {
  const missed = deadline === 'accept' ? row.accept_missed_at : row.complete_missed_at;
  return RUNS_IN[deadline].includes(row.state) && dueOf(row, deadline) !== null && missed === null;
}

/** What is due at `now`: missed deadlines first (a reminder for a missed deadline is moot), else reminders. */
export function dueWork(row: TimedCaseRow, now: Date): { missed: Deadline[]; reminders: Deadline[] } {
  const running = (['accept', 'complete'] as const).filter((d) => runs(row, d));
  const missed = running.filter((d) => dueOf(row, d)! <= now);
  if (missed.length > 0) return { missed, reminders: [] };
  const reminders = running.filter((d) => {
    const [remindAt, remindedAt] = d === 'accept' ? [row.accept_remind_at, row.accept_reminded_at] : [row.complete_remind_at, row.complete_reminded_at];
    return remindedAt === null && remindAt !== null && remindAt <= now;
  });
  return { missed, reminders };
}

export const DEADLINE_NAMES: Record<Deadline, string> = {
  accept: 'the claim deadline (签收)',
  complete: 'the completion deadline (办结)',
};


/** `the claim deadline (签收) of 2026-11-23 14:05 and the completion deadline (办结) of ...` */
export const describeMissed = (row: TimedCaseRow, missed: Deadline[]): string =>
  missed.map((d) => `${DEADLINE_NAMES[d]} of ${localTime(dueOf(row, d)!)}`).join(' and ');
