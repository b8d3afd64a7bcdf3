import type { HoursKind, WorkingPeriod } from '@gridwork/contracts';
import type { CategoryRow } from '../categories/category.rows.js';
import { LOCAL_OFFSET_MS, localDay } from '@gridwork/local-time';

/* Deadline arithmetic in working hours, in local time (UTC+8 all year, see local-time.ts). */

const DAY_MS = 24 * 3600_000;
/** No time limit reaches further than this (the calendar is read this far ahead); a calendar with no working time at all must not loop forever. */
export const MAX_DAYS = 3 * 366;

export interface CalendarRules {
  /** Minutes from local midnight, in order. */
  periods: { start: number; end: number }[];
  /** Local dates (YYYY-MM-DD) off on a weekday or worked on a weekend. */
  marked: Map<string, 'holiday' | 'workday'>;
}

export const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function rulesOf(periods: WorkingPeriod[], marked: Map<string, 'holiday' | 'workday'>): CalendarRules {
  return { periods: periods.map((p) => ({ start: minutesOf(p.start), end: minutesOf(p.end) })), marked };
}

function isWorkingDay(rules: CalendarRules, dayStartUtc: number): boolean {
  const mark = rules.marked.get(localDay(dayStartUtc));
  if (mark) return mark === 'workday';
  const weekday = new Date(dayStartUtc + LOCAL_OFFSET_MS).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** When `hours` of the given kind, counted from `from`, run out. */
export function dueAt(rules: CalendarRules, from: Date, hours: number, kind: HoursKind): Date {
  if (kind === 'calendar') return new Date(from.getTime() + hours * 3600_000);
  let left = hours * 60 * 60_000;
  const start = from.getTime();
  // UTC instant of the local midnight that begins `from`'s local day.
  let dayStart = Math.floor((start + LOCAL_OFFSET_MS) / DAY_MS) * DAY_MS - LOCAL_OFFSET_MS;
  for (let day = 0; day < MAX_DAYS; day++, dayStart += DAY_MS) {
    if (!isWorkingDay(rules, dayStart)) continue;
    for (const period of rules.periods) {
      const periodStart = Math.max(dayStart + period.start * 60_000, start);
      const periodEnd = dayStart + period.end * 60_000;
      if (periodEnd <= periodStart) continue;
      if (periodEnd - periodStart >= left) return new Date(periodStart + left);
      left -= periodEnd - periodStart;
    }
  }
  throw new Error(`the working calendar has no room for ${hours} working hours within ${MAX_DAYS} days`);
}

/** A case's deadlines from its category's time limits and the moment it was assigned. */
export function deadlinesOf(rules: CalendarRules, category: CategoryRow, from: Date): { accept_due_at: Date; complete_due_at: Date } {
  return {
    accept_due_at: dueAt(rules, from, category.accept_hours, category.hours_kind),
    complete_due_at: dueAt(rules, from, category.complete_hours, category.hours_kind),
  };
}
