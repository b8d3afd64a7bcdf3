import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { IsInt, Max, Min } from 'class-validator';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { subjects } from '@gridwork/contracts';
import { MESSAGING_OPTIONS, publishManyInTransaction, runsEvents, type MessagingOptions } from '@gridwork/messaging';
import { BatchPoller } from '@gridwork/persistence';
import { PINO_LOGGER, loadConfig } from '@gridwork/observability';
import { lockFreeCases } from '../cases/case.rows.js';
import { appendTimeline } from '../cases/timeline.js';

/** Calls marked missed per transaction. */
const BATCH = 100;

/** The report-in deadline poller's settings, read from the environment at start (a wrong value stops the service naming it). */
export class WhistleConfig {
  /** How often each replica looks for passed report-in deadlines; a miss is marked at most this long after it falls due. */
  @IsInt() @Min(10) @Max(60_000)
  DISPATCH_WHISTLE_POLL_MS = 1_000;
}

interface DueCall {
  whistle_id: string;
  department: string;
  due_at: Date;
  case_id: string;
  case_number: string;
}

/**
 * Marks a whistle's call missed once its report-in deadline has passed.
 * Every replica polls; each takes the cases it can lock (`FOR UPDATE SKIP
 * LOCKED`) and marks only calls still waiting, so a miss is recorded once
 * however many replicas run. The deadlines live in the database, so a
 * restart loses nothing: the first poll after it marks whatever fell due.
 */
@Injectable()
export class WhistleDeadlines implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly poller = new BatchPoller({
    intervalMs: loadConfig(WhistleConfig).DISPATCH_WHISTLE_POLL_MS,
    batchSize: BATCH,
    runBatch: () => this.markMissed(),
    onError: (err) => this.log.warn({ err }, 'whistle deadline poll failed; the next poll retries'),
  });

  constructor(
    private readonly dataSource: DataSource,
    @Inject(PINO_LOGGER) private readonly log: Logger,
    @Inject(MESSAGING_OPTIONS) private readonly messaging: MessagingOptions,
  ) {}

  onApplicationBootstrap(): void {
    // Background work belongs to the processes that run events (SERVICE_ROLES).
    if (runsEvents(this.messaging)) this.poller.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.poller.stop();
  }

  /** Marks up to one batch of passed calls missed; returns how many. */
  async markMissed(now = new Date()): Promise<number> {
    return this.dataSource.transaction(async (em) => {
      const candidates = await em.query<{ case_id: string }[]>(
        `SELECT DISTINCT w.case_id FROM whistle_call c JOIN whistle w ON w.id = c.whistle_id
          WHERE c.reported_in_at IS NULL AND c.missed_at IS NULL AND c.due_at <= $1
          LIMIT $2`,
        [now, BATCH],
      );
      if (candidates.length === 0) return 0;
      // Cases first, as every change to a case locks it; one busy elsewhere is taken at the next poll.
      const locked = await lockFreeCases(em, candidates.map((c) => c.case_id));
      if (locked.length === 0) return 0;
      const calls = await em.query<DueCall[]>(
        `SELECT c.whistle_id, c.department, c.due_at, w.case_id, k.number AS case_number
           FROM whistle_call c JOIN whistle w ON w.id = c.whistle_id JOIN "case" k ON k.id = w.case_id
          WHERE w.case_id = ANY ($1::uuid[]) AND c.reported_in_at IS NULL AND c.missed_at IS NULL AND c.due_at <= $2
          ORDER BY c.due_at, c.whistle_id, c.department
          LIMIT $3
          FOR UPDATE OF c SKIP LOCKED`,
        [locked, now, BATCH],
      );
      if (calls.length === 0) return 0;
      await em.query(
        `UPDATE whistle_call c SET missed_at = $3
           FROM unnest($1::uuid[], $2::text[]) AS m(whistle_id, department)
          WHERE c.whistle_id = m.whistle_id AND c.department = m.department`,
        [calls.map((c) => c.whistle_id), calls.map((c) => c.department), now],
      );
      await appendTimeline(
        em,
        calls.map((call) => ({
          caseId: call.case_id,
          at: now,
          actorKind: 'system',
          action: 'whistle-missed',
          reason: `${call.department} did not report in by ${call.due_at.toISOString()}`,
          data: { whistleId: call.whistle_id, department: call.department, dueAt: call.due_at.toISOString() },
        })),
      );
      await publishManyInTransaction(
        em,
        subjects.dispatch.whistle.missed,
        calls.map((call) => ({
          whistleId: call.whistle_id,
          caseId: call.case_id,
          caseNumber: call.case_number,
          department: call.department,
          dueAt: call.due_at.toISOString(),
          missedAt: now.toISOString(),
        })),
      );
      return calls.length;
    });
  }
}
