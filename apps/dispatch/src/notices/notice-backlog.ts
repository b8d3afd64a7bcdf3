import { Inject, Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { jetstreamManager, type ConsumerInfo, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import { DEPARTMENT_NOTICES, addressedFilterOf, streamNameOf } from '@gridwork/contracts';
import { NATS_CONNECTION } from '@gridwork/messaging';
import { PINO_LOGGER, ServiceMetrics } from '@gridwork/observability';

/** `gov.evt.dispatch.notice.`: what every department's notice subject starts with (its code is the next token). */
const NOTICE_PREFIX = addressedFilterOf(DEPARTMENT_NOTICES[0]!, 'any').slice(0, -'any.>'.length);
const STREAM = streamNameOf('dispatch');

/** What one department has not taken from its notices. */
export interface DepartmentBacklog {
  department: string;
  /** Notices not yet acknowledged: not delivered, or delivered and not acknowledged. */
  pending: number;
  /** Age of the oldest notice not yet acknowledged; 0 when there is none. */
  oldestWaitingSeconds: number;
}

/**
 * Whether each department takes its notices (operators' "a department's
 * notices are not being pulled"). A department pulls with its own durable
 * consumer on GOV_DISPATCH, named after its code and filtered to its notices
 * (deploy/nats); one that never made its consumer has every notice stored for
 * it waiting. Read from JetStream at scrape time: the departments are those
 * with a notice in the stream or a notices consumer, so a new department
 * appears without configuration.
 */
@Injectable()
export class NoticeBacklog {
  private jsm?: Promise<JetStreamManager>;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(PINO_LOGGER) private readonly log: Logger,
    metrics: ServiceMetrics,
  ) {
    // Both gauges are filled by one read per scrape, which each awaits before it is reported.
    let reading: Promise<void> | undefined;
    const refresh = (): Promise<void> =>
      (reading ??= this.refresh(pending, oldest).finally(() => {
        reading = undefined;
      }));
    const pending: Gauge<'department'> = new Gauge({
      name: 'gov_dispatch_department_notices_pending',
      help: "A department's notices it has not acknowledged yet (all of them while it has no notices consumer).",
      labelNames: ['department'] as const,
      registers: [metrics.registry],
      collect: refresh,
    });
    const oldest: Gauge<'department'> = new Gauge({
      name: 'gov_dispatch_department_notices_oldest_waiting_seconds',
      help: "Age of a department's oldest notice it has not acknowledged (0 when none waits).",
      labelNames: ['department'] as const,
      registers: [metrics.registry],
      collect: refresh,
    });
  }

  private async refresh(pending: Gauge<'department'>, oldest: Gauge<'department'>): Promise<void> {
    let backlogs: DepartmentBacklog[];
    try {
      backlogs = await this.read();
    } catch (err) {
      // NATS away: the last values stay, and gov_dependency_up says why.
      this.log.debug({ err }, 'department notice backlogs could not be read for this scrape');
      return;
    }
    pending.reset();
    oldest.reset();
    for (const b of backlogs) {
      pending.set({ department: b.department }, b.pending);
      oldest.set({ department: b.department }, b.oldestWaitingSeconds);
    }
  }

  /** Every department's backlog, from the stream's notice subjects and the departments' consumers. */
  async read(): Promise<DepartmentBacklog[]> {
    const jsm = await this.manager();
    const stored = await this.storedPerDepartment(jsm);
    const consumers = await this.noticeConsumers(jsm);
    const departments = [...new Set([...stored.keys(), ...consumers.keys()])].sort();
    return Promise.all(
      departments.map(async (department) => {
        const consumer = consumers.get(department);
        const pending = consumer ? consumer.num_pending + consumer.num_ack_pending : (stored.get(department) ?? 0);
        // The oldest not acknowledged is the first of its notices after the ack floor (everything after it while it has no consumer).
        const after = consumer ? consumer.ack_floor.stream_seq + 1 : 1;
        const first = pending === 0 ? null : await this.firstNoticeFrom(jsm, department, after);
        const oldestWaitingSeconds = first ? Math.max(0, (Date.now() - first.getTime()) / 1000) : 0;
        return { department, pending, oldestWaitingSeconds };
      }),
    );
  }

  /** How many notices the stream holds per department (a stream's per-subject counts). */
  private async storedPerDepartment(jsm: JetStreamManager): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    // The client follows the server's pages of a long subject list itself.
    const info = await jsm.streams.info(STREAM, { subjects_filter: `${NOTICE_PREFIX}>` });
    for (const [subject, n] of Object.entries(info.state.subjects ?? {})) {
      const department = subject.slice(NOTICE_PREFIX.length).split('.')[0]!;
      counts.set(department, (counts.get(department) ?? 0) + n);
    }
    return counts;
  }

  /** Each department's notices consumer: named after the department and filtered to its notices, as deploy/nats allows. */
  private async noticeConsumers(jsm: JetStreamManager): Promise<Map<string, ConsumerInfo>> {
    const found = new Map<string, ConsumerInfo>();
    for await (const consumer of jsm.consumers.list(STREAM)) {
      const name = consumer.config.durable_name ?? consumer.name;
      if (consumer.config.filter_subject === `${NOTICE_PREFIX}${name}.>`) found.set(name, consumer);
    }
    return found;
  }

  /** When the department's first notice at or after stream sequence `seq` was stored, or null when there is none. */
  private async firstNoticeFrom(jsm: JetStreamManager, department: string, seq: number): Promise<Date | null> {
    // `next_by_subj` (the first message on a subject from a sequence) is in nats-server's message get since 2.9.
    const query = { seq, next_by_subj: `${NOTICE_PREFIX}${department}.>` } as unknown as { seq: number };
    const message = await jsm.streams.getMessage(STREAM, query).catch(() => null);
    return message ? message.time : null;
  }

  private manager(): Promise<JetStreamManager> {
    return (this.jsm ??= jetstreamManager(this.nc).catch((err: unknown) => {
      this.jsm = undefined;
      throw err;
    }));
  }
}
