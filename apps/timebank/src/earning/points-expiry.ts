import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { MESSAGING_OPTIONS, runsEvents, type MessagingOptions } from '@gridwork/messaging';
import { BatchPoller } from '@gridwork/persistence';
import { PINO_LOGGER, loadConfig } from '@gridwork/observability';
import { PendingTimeoutConfig } from '../ledger/pending-timeouts.js';
import { EarningService } from './earning.service.js';

/** Awards lapsed per transaction. */
const BATCH = 100;

/** Lapses awarded points whose rule lets them expire, when their time comes; polls as often as the ledger's timer (TIMEBANK_PENDING_POLL_MS). */
@Injectable()
export class PointsExpiry implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly poller = new BatchPoller({
    intervalMs: loadConfig(PendingTimeoutConfig).TIMEBANK_PENDING_POLL_MS,
    batchSize: BATCH,
    runBatch: () => this.dataSource.transaction((em) => this.earning.expireDue(em, new Date(), BATCH)),
    onError: (err) => this.log.warn({ err }, 'points expiry poll failed; the next poll retries'),
  });

  constructor(
    private readonly dataSource: DataSource,
    private readonly earning: EarningService,
    @Inject(PINO_LOGGER) private readonly log: Logger,
    @Inject(MESSAGING_OPTIONS) private readonly messaging: MessagingOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (runsEvents(this.messaging)) this.poller.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.poller.stop();
  }
}
