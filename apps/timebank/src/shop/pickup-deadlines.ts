import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { MESSAGING_OPTIONS, runsEvents, type MessagingOptions } from '@gridwork/messaging';
import { BatchPoller, newId } from '@gridwork/persistence';
import { PINO_LOGGER, loadConfig } from '@gridwork/observability';
import { PendingTimeoutConfig } from '../ledger/pending-timeouts.js';
import { ShopService } from './shop.service.js';

/** Redemptions expired per transaction. */
const BATCH = 100;

/**
 * Expires redemptions not picked up by their deadline, voiding their points
 * and stock together. It polls as often as the ledger's reservation timer
 * (TIMEBANK_PENDING_POLL_MS); every replica polls and each takes the rewards
 * it can lock, so a redemption is resolved once. (A redemption's ledger
 * transfer has no timeout of its own: the ledger's timer would release the
 * points and leave the stock held.)
 */
@Injectable()
export class PickupDeadlines implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly poller = new BatchPoller({
    intervalMs: loadConfig(PendingTimeoutConfig).TIMEBANK_PENDING_POLL_MS,
    batchSize: BATCH,
    runBatch: () => this.expireDue(),
    onError: (err) => this.log.warn({ err }, 'pickup deadline poll failed; the next poll retries'),
  });

  constructor(
    private readonly dataSource: DataSource,
    private readonly shop: ShopService,
    @Inject(PINO_LOGGER) private readonly log: Logger,
    @Inject(MESSAGING_OPTIONS) private readonly messaging: MessagingOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (runsEvents(this.messaging)) this.poller.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.poller.stop();
  }

  expireDue(now = new Date()): Promise<number> {
    return this.dataSource.transaction((em) => this.shop.expireDue(em, now, BATCH, newId));
  }
}
