import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { IsInt, Max, Min } from 'class-validator';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { MESSAGING_OPTIONS, runsEvents, type MessagingOptions } from '@gridwork/messaging';
import { BatchPoller, newId } from '@gridwork/persistence';
import { PINO_LOGGER, loadConfig } from '@gridwork/observability';
import { LedgerService } from './ledger.service.js';

/** Reservations expired per transaction. */
const BATCH = 100;

/** The reservation timer's settings, read from the environment at start (a wrong value stops the service naming it). */
export class PendingTimeoutConfig {
  /** How often each replica looks for reservations whose timeout has passed; one expires at most this long after it falls due. */
  @IsInt() @Min(10) @Max(60_000)
  TIMEBANK_PENDING_POLL_MS = 1_000;
}

/**
 * Voids, as expired, every reservation whose timeout has passed. Every
 * replica polls; each takes the reservations whose accounts it can lock
 * (`FOR UPDATE SKIP LOCKED`), so a reservation is resolved once however many
 * replicas run, and never both expired and posted. The timeouts live in the
 * database, so a restart loses none.
 */
@Injectable()
export class PendingTimeouts implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly poller = new BatchPoller({
    intervalMs: loadConfig(PendingTimeoutConfig).TIMEBANK_PENDING_POLL_MS,
    batchSize: BATCH,
    runBatch: () => this.expireDue(),
    onError: (err) => this.log.warn({ err }, 'reservation timeout poll failed; the next poll retries'),
  });

  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: LedgerService,
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

  /** Expires up to one batch of due reservations; returns how many. */
  expireDue(now = new Date()): Promise<number> {
    return this.dataSource.transaction((em) => this.ledger.expireDue(em, now, BATCH, newId));
  }
}
