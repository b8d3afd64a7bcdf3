import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  GridworkError,
  type CalendarReply,
  type DeadlinePreview,
  type DeadlinePreviewRequest,
  type GetCalendarRequest,
  type HoursKind,
  type SetCalendarRequest,
  type WorkingPeriod,
} from '@gridwork/contracts';
import { ShortLived } from '../common/short-lived.js';
import { MAX_DAYS, dueAt, minutesOf, rulesOf, type CalendarRules } from './working-calendar.js';


/** Calendar hours need no calendar. */
const NO_WORKING_CALENDAR = rulesOf([], new Map());

/** The holiday and working-day calendar an admin maintains, and deadlines counted in it. */
@Injectable()
export class CalendarService {
  private readonly cached = new ShortLived<CalendarRules>();

  constructor(private readonly dataSource: DataSource) {}

  async set(request: SetCalendarRequest): Promise<CalendarReply> {
    if (request.workingPeriods) assertPeriods(request.workingPeriods);
    const reply = await this.dataSource.transaction(async (em) => {
      if (request.workingPeriods) {
        await em.query(`UPDATE calendar_setting SET working_periods = $1 WHERE id = 1`, [JSON.stringify(request.workingPeriods)]);
      }
      if (request.unmark?.length) await em.query(`DELETE FROM calendar_day WHERE date = ANY ($1::date[])`, [request.unmark]);
      for (const day of request.days ?? []) {
        await em.query(
          `INSERT INTO calendar_day (date, kind, name) VALUES ($1, $2, $3) ON CONFLICT (date) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name`,
          [day.date, day.kind, day.name ?? null],
        );
      }
      const dates = [...(request.days ?? []).map((d) => d.date), ...(request.unmark ?? [])].sort();
      return this.read(em, dates[0] ?? '1970-01-01', dates[dates.length - 1] ?? '1970-01-01');
    });
    this.cached.drop();
    return reply;
  }

  get(request: GetCalendarRequest): Promise<CalendarReply> {
    return this.read(this.dataSource.manager, request.from, request.to);
  }

  async preview(request: DeadlinePreviewRequest): Promise<DeadlinePreview> {
    const from = new Date(request.from);
    if (Number.isNaN(from.getTime())) throw GridworkError.validation([{ field: 'from', messages: ['from must be an ISO 8601 instant'] }]);
    return { dueAt: (await this.deadline(this.dataSource.manager, from, request.hours, request.hoursKind)).toISOString() };
  }

  /** When `hours` of `kind`, counted from `from`, run out; the calendar is read only for working hours. */
  async deadline(em: EntityManager, from: Date, hours: number, kind: HoursKind): Promise<Date> {
    return dueAt(kind === 'working' ? await this.rules(em, from) : NO_WORKING_CALENDAR, from, hours, kind);
  }

  /** The rules as intake uses them: read at most every few seconds (see `ShortLived`). */
  cachedRules(em: EntityManager, now: Date): Promise<CalendarRules> {
    return this.cached.get(() => this.rules(em, now), now.getTime());
  }

  /** The rules in force from `from` on. */
  async rules(em: EntityManager, from: Date): Promise<CalendarRules> {
    const [setting] = await em.query(`SELECT working_periods FROM calendar_setting WHERE id = 1`);
    const days = await em.query<{ date: string; kind: 'holiday' | 'workday' }[]>(
      `SELECT to_char(date, 'YYYY-MM-DD') AS date, kind FROM calendar_day
        WHERE date >= ($1::timestamptz AT TIME ZONE 'Asia/Shanghai')::date - 1 AND date <= ($1::timestamptz AT TIME ZONE 'Asia/Shanghai')::date + $2::int`,
      [from.toISOString(), MAX_DAYS],
    );
    return rulesOf(setting.working_periods as WorkingPeriod[], new Map(days.map((d) => [d.date, d.kind])));
  }

  private async read(em: EntityManager, from: string, to: string): Promise<CalendarReply> {
    const [setting] = await em.query(`SELECT working_periods FROM calendar_setting WHERE id = 1`);
    const days = await em.query(
      `SELECT to_char(date, 'YYYY-MM-DD') AS date, kind, name FROM calendar_day WHERE date BETWEEN $1::date AND $2::date ORDER BY date`,
      [from, to],
    );
    return {
      workingPeriods: setting.working_periods,
      days: days.map((d: { date: string; kind: 'holiday' | 'workday'; name: string | null }) => (d.name ? d : { date: d.date, kind: d.kind })),
    };
  }
}

function assertPeriods(periods: WorkingPeriod[]): void {
  const messages: string[] = [];
  let previousEnd = -1;
  periods.forEach((period, i) => {
    const start = minutesOf(period.start);
    const end = minutesOf(period.end);
    if (end <= start) messages.push(`period ${i} ends (${period.end}) before it starts (${period.start})`);
    if (start < previousEnd) messages.push(`period ${i} starts before the previous one ends`);
    previousEnd = end;
  });
  if (periods.length === 0) messages.push('a working day needs at least one working period');
  if (messages.length > 0) throw GridworkError.validation([{ field: 'workingPeriods', messages }]);
}
