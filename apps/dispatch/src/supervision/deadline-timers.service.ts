import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Logger } from 'pino';
import { subjects, type CaseOwner, type Deadline, type Flag } from '@gridwork/contracts';
import { MESSAGING_OPTIONS, publishInTransaction, publishManyInTransaction, runsEvents, type MessagingOptions } from '@gridwork/messaging';
import { BatchPoller } from '@gridwork/persistence';
import { PINO_LOGGER, ServiceMetrics } from '@gridwork/observability';
import { CalendarService } from '../calendar/calendar.service.js';
import { CategoriesService } from '../categories/categories.service.js';
import type { CategoryRow } from '../categories/category.rows.js';
import { SYSTEM, applyChange, flagMissed, markReminded, ownerAbove } from '../cases/case-lifecycle.js';
import { ownerColumns, ownerOf, type TimedCaseRow } from '../cases/case.rows.js';
import { deadlinesOf, type CalendarRules } from '../calendar/working-calendar.js';
import { appendTimeline } from '../cases/timeline.js';
import { deadlineTimerConfig, type DeadlineTimerConfig } from './deadline-timers.config.js';
import { DEADLINE_NAMES, describeMissed, dueOf, dueWork } from './deadlines.js';
import { localTime } from '@gridwork/local-time';

/** How long a replica leaves a case whose timer failed before trying it again. */
const RETRY_FAILED_MS = 60_000;

/** What one batch looks up at most once, however many of its cases need it. */
interface BatchLookups {
  rules(now: Date): Promise<CalendarRules>;
  category(code: string): Promise<CategoryRow>;
}

/**
 * Fires deadline timers (限时办结): reminders before a deadline, escalation
 * one level up with a yellow flag when it passes, a red flag when it passes
 * again. Nothing is kept in memory: the due work is read from the case rows
 * (`timer_at`, kept by a trigger, see the migration), so timers survive
 * restarts, and each replica takes its batch with `FOR UPDATE SKIP LOCKED`,
 * so with several replicas each timer fires exactly once: a row another
 * replica holds is skipped, and once that replica commits the row's
 * `timer_at` has moved past now and no longer matches.
 *
 * A plain timeout loop suffices for a database poller: each round drains
 * what is due in batches of `DISPATCH_TIMER_BATCH`, then sleeps
 * `DISPATCH_TIMER_POLL_MS` (1 s by default).
 */
@Injectable()
export class DeadlineTimers implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly config: DeadlineTimerConfig = deadlineTimerConfig();
  private readonly poller = new BatchPoller({
    intervalMs: this.config.DISPATCH_TIMER_POLL_MS,
    batchSize: this.config.DISPATCH_TIMER_BATCH,
    runBatch: () => this.fireBatch(),
    // PostgreSQL unavailable or the batch failed as a whole: nothing was committed; the next round retries.
    onError: (err) => this.log.warn({ err }, 'deadline timers paused'),
  });
  /** Cases whose timer threw, and when this replica tries them again (a bug must not stall the others). */
  private readonly failing = new Map<string, number>();
  private readonly fired: Counter<'kind'>;
  private readonly lateness: Histogram;

  constructor(
    private readonly dataSource: DataSource,
    private readonly categories: CategoriesService,
    private readonly calendar: CalendarService,
    @Inject(PINO_LOGGER) private readonly log: Logger,
    @Inject(MESSAGING_OPTIONS) private readonly messaging: MessagingOptions,
    metrics: ServiceMetrics,
  ) {
    this.fired = new Counter({
      name: 'gov_dispatch_timers_fired_total',
      help: 'Deadline timers fired by this replica, by kind (remind, escalate, flag) or failed.',
      labelNames: ['kind'] as const,
      registers: [metrics.registry],
    });
    // Every kind exists from the start, so a rate over them counts the first timer fired too.
    for (const kind of ['remind', 'escalate', 'flag', 'failed']) this.fired.inc({ kind }, 0);
    this.lateness = new Histogram({
      name: 'gov_dispatch_timer_lateness_seconds',
      help: 'How late each deadline timer fired: from when it was due (timer_at) to when a replica took it up, counted once its batch committed.',
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600],
      registers: [metrics.registry],
    });
    new Gauge({
      name: 'gov_dispatch_timer_lag_seconds',
      help: 'How long the oldest due deadline timer has waited to fire (0 when none is due).',
      registers: [metrics.registry],
      collect: async function (this: Gauge) {
        try {
          const [row] = await dataSource.query(`SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(timer_at)), 0)::float AS lag FROM "case" WHERE timer_at <= now()`);
          this.set(row.lag);
        } catch {
          // The database is away: the scrape still answers, with the last value.
        }
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const percent = this.config.DISPATCH_REMIND_AT_PERCENT;
    if (percent > 0) {
      await this.dataSource.query(`UPDATE deadline_rule SET remind_at_percent = $1 WHERE id = 1 AND remind_at_percent <> $1`, [percent]);
    }
    // Background work belongs to the processes that run events (SERVICE_ROLES).
    if (runsEvents(this.messaging)) this.poller.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.poller.stop();
  }


  /** Locks up to a batch of due cases, fires each, commits; returns how many were locked. */
  private async fireBatch(): Promise<number> {
    const now = Date.now();
    for (const [id, until] of this.failing) if (until <= now) this.failing.delete(id);
    // Seconds late of each timer fired; observed only once the batch has committed, since a rolled-back batch fired nothing.
    const late: number[] = [];
    const locked = await this.dataSource.transaction(async (em) => {
      const rows = await em.query<(TimedCaseRow & { polled_at: Date })[]>(
        `SELECT c.*, now() AS polled_at FROM "case" c
          WHERE c.timer_at <= now() AND c.id <> ALL ($2::uuid[])
          ORDER BY c.timer_at
          LIMIT $1
          FOR UPDATE OF c SKIP LOCKED`,
        [this.config.DISPATCH_TIMER_BATCH, [...this.failing.keys()]],
      );
      const lookups = this.lookups(em);
      for (const row of rows) {
        // One case's failure must not undo the others' work in this batch.
        await em.query(`SAVEPOINT deadline_timer`);
        try {
          await this.fire(em, row, row.polled_at, lookups);
          await em.query(`RELEASE SAVEPOINT deadline_timer`);
          late.push(Math.max(0, (row.polled_at.getTime() - row.timer_at!.getTime()) / 1000));
        } catch (err) {
          await em.query(`ROLLBACK TO SAVEPOINT deadline_timer`);
          this.failing.set(row.id, Date.now() + RETRY_FAILED_MS);
          this.fired.inc({ kind: 'failed' });
          this.log.error({ err, caseId: row.id, number: row.number }, 'deadline timer failed; retrying in a minute');
        }
      }
      return rows.length;
    });
    for (const seconds of late) this.lateness.observe(seconds);
    return locked;
  }

  private lookups(em: EntityManager): BatchLookups {
    let rules: Promise<CalendarRules> | undefined;
    const categories = new Map<string, Promise<CategoryRow>>();
    return {
      rules: (now) => (rules ??= this.calendar.rules(em, now)),
      category: (code) => {
        if (!categories.has(code)) categories.set(code, this.categories.byCodes(em, [code]).then((found) => found.get(code)!));
        return categories.get(code)!;
      },
    };
  }

  /** Does what is due for one locked case at `now` (the database's clock, which `timer_at` was compared with). */
  private async fire(em: EntityManager, row: TimedCaseRow, now: Date, lookups: BatchLookups): Promise<void> {
    const { missed, reminders } = dueWork(row, now);
    if (missed.length > 0) await this.overdue(em, row, missed, now, lookups);
    else if (reminders.length > 0) await this.remind(em, row, reminders, now);
  }

  /** Reminds the owner, once per deadline. Not a change of the case: no new version. */
  private async remind(em: EntityManager, row: TimedCaseRow, deadlines: Deadline[], now: Date): Promise<void> {
    await markReminded(em, row, deadlines, now);
    await appendTimeline(
      em,
      deadlines.map((d) => {
        const due = dueOf(row, d)!;
        const minutes = Math.max(0, Math.round((due.getTime() - now.getTime()) / 60_000));
        return {
          caseId: row.id,
          at: now,
          actorKind: 'system' as const,
          action: 'remind',
          reason: `${DEADLINE_NAMES[d]} is ${localTime(due)}: ${minutes} minutes left`,
          data: { deadline: d, dueAt: due.toISOString() },
        };
      }),
    );
    const owner = ownerOf(row);
    if (!owner) return;
    await publishManyInTransaction(
      em,
      subjects.dispatch.case.reminded,
      deadlines.map((d) => ({ ...this.facts(row, owner, now), deadline: d, dueAt: dueOf(row, d)!.toISOString() })),
    );
    this.fired.inc({ kind: 'remind' }, deadlines.length);
  }

  /**
   * A missed deadline: the first miss in a case's life flags it yellow, any
   * later one red. With a level above, the case goes up to it with new
   * deadlines (an `escalate` transition by the system); at the district, or
   * with no area to climb, it stays with its owner, is flagged, and the
   * missed deadline is marked so it does not fire again.
   */
  private async overdue(em: EntityManager, row: TimedCaseRow, missed: Deadline[], now: Date, lookups: BatchLookups): Promise<void> {
    const flag: Flag = row.overdue_count === 0 ? 'yellow' : 'red';
    const previousOwner = ownerOf(row);
    const above = ownerAbove(row);
    const what = describeMissed(row, missed);
    if (above) {
      const deadlines = deadlinesOf(await lookups.rules(now), await lookups.category(row.category_code), now);
      const reason = `missed ${what}: sent up to the ${above.level} level (${above.areaCode}), ${flag} flag`;
      const after = await applyChange(
        em,
        row,
        SYSTEM,
        {
          action: 'escalate',
          to: 'assigned',
          set: { ...ownerColumns(above), ...deadlines, assigned_at: now, claimed_at: null, flag, overdue_count: row.overdue_count + 1 },
          reason,
          data: { missed, previousOwner, owner: above, flag },
        },
        now,
      );
      await publishInTransaction(em, subjects.dispatch.case.escalated, {
        ...this.facts(row, above, now),
        ...(previousOwner ? { previousOwner } : {}),
        missed,
        flag,
        acceptDueAt: after.accept_due_at!.toISOString(),
        completeDueAt: after.complete_due_at!.toISOString(),
        reason,
      });
      await this.flagged(em, row, above, { flag, missed, escalated: true, reason }, now);
      this.fired.inc({ kind: 'escalate' });
      return;
    }
    const where = previousOwner?.kind === 'level' && previousOwner.level === 'district' ? 'the district is the top level' : 'there is no level above to send it to';
    const reason = `missed ${what}: ${where}, so it stays with ${ownerText(previousOwner)}; ${flag} flag`;
    await flagMissed(em, row, flag, missed, now);
    await appendTimeline(em, [{ caseId: row.id, at: now, actorKind: 'system', action: 'overdue', reason, data: { missed, flag } }]);
    if (previousOwner) await this.flagged(em, row, previousOwner, { flag, missed, escalated: false, reason }, now);
    this.fired.inc({ kind: 'flag' });
  }

  private async flagged(
    em: EntityManager,
    row: TimedCaseRow,
    owner: CaseOwner,
    what: { flag: Flag; missed: Deadline[]; escalated: boolean; reason: string },
    now: Date,
  ): Promise<void> {
    await publishInTransaction(em, subjects.dispatch.case.flagged, { ...this.facts(row, owner, now), ...what, overdueCount: row.overdue_count + 1 });
  }

  private facts(row: TimedCaseRow, owner: CaseOwner, now: Date) {
    return {
      caseId: row.id,
      number: row.number,
      owner,
      categoryCode: row.category_code,
      ...(row.grid_code ? { gridCode: row.grid_code } : {}),
      at: now.toISOString(),
    };
  }
}

const ownerText = (owner: CaseOwner | undefined): string =>
  !owner ? 'no owner' : owner.kind === 'department' ? `department ${owner.department}` : `the ${owner.level} ${owner.areaCode}`;
