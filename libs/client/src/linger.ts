/**
 * When the next batch of a flow should start: at once, unless the flow is
 * busy enough that waiting out the linger gathers several more items.
 *
 * A linger makes batches bigger under load (fewer transactions, commits and
 * round trips for the same events) but, applied to every batch, it also made
 * a quiet path wait: at 200 events/s each event waited most of the 20 ms.
 * So it applies only while items come at least `minGain` to a linger (at
 * 20 ms and 16 items, 800 events/s and more: dispatch's 1,000 cases/s make
 * about twice that, 200 events/s stay unbatched): the recent time between items
 * is a moving average over batches, and after a pause of two lingers the
 * flow counts as new, so its first two batches go at once while the rate is
 * learnt again.
 */
export class Linger {
  /** Recent milliseconds between items; undefined while the flow is new. */
  private gapMs?: number;
  private lastCountAt = Number.NEGATIVE_INFINITY;
  private lastStart = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly lingerMs: number,
    private readonly minGain = 16,
  ) {}

  /** Milliseconds to wait before the next batch starts; 0 to start it now. */
  delay(now = performance.now()): number {
    if (this.lingerMs <= 0 || this.gapMs === undefined) return 0;
    const wait = this.lastStart + this.lingerMs - now;
    if (wait <= 0) return 0;
    return this.lingerMs >= this.minGain * this.gapMs ? wait : 0;
  }

  /** A batch starts now. */
  started(now = performance.now()): void {
    this.lastStart = now;
  }

  /** `items` went through (a batch's size). */
  count(items: number, now = performance.now()): void {
    if (items <= 0) return;
    const interval = now - this.lastCountAt;
    this.lastCountAt = now;
    if (interval > 2 * this.lingerMs) {
      this.gapMs = undefined;
      return;
    }
    const perItem = interval / items;
    this.gapMs = this.gapMs === undefined ? perItem : 0.8 * this.gapMs + 0.2 * perItem;
  }
}
