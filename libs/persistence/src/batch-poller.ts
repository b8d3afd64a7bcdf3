/**
 * Runs a database batch job every `intervalMs` on each replica: a round runs
 * batches until one comes back short (nothing more is due), then waits. The
 * batches take their rows with `FOR UPDATE SKIP LOCKED`, so replicas share
 * the work and nothing lives in memory; `stop()` waits for the running round.
 */
export class BatchPoller {
  private timeout?: NodeJS.Timeout;
  private round?: Promise<void>;
  private stopped = true;

  constructor(
    private readonly options: {
      intervalMs: number;
      batchSize: number;
      /** Handles up to `batchSize` due rows in one transaction; returns how many it took. */
      runBatch: () => Promise<number>;
      /** Told when a round fails (PostgreSQL away, a batch failing as a whole); the next round retries. */
      onError: (error: unknown) => void;
    },
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timeout);
    await this.round;
  }

  private schedule(delayMs: number): void {
    this.timeout = setTimeout(() => {
      this.round = this.drain().finally(() => {
        this.round = undefined;
        if (!this.stopped) this.schedule(this.options.intervalMs);
      });
    }, delayMs);
  }

  private async drain(): Promise<void> {
    try {
      while (!this.stopped && (await this.options.runBatch()) === this.options.batchSize);
    } catch (error) {
      this.options.onError(error);
    }
  }
}
