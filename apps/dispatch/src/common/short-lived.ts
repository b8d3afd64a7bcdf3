/** How long reference data read for intake (calendar, categories, routing rules) is kept by a process. */
export const REFERENCE_CACHE_MS = 5_000;

/**
 * Reference data that intake needs with every batch and an admin changes a
 * few times a year, read at most once per `ttlMs` by each process. A change
 * is in force at once in the process that made it (`drop`, after its
 * commit) and in every other within `ttlMs`.
 */
export class ShortLived<T> {
  private cached?: { value: T; readAt: number };

  constructor(private readonly ttlMs = REFERENCE_CACHE_MS) {}

  async get(read: () => Promise<T>, now = Date.now()): Promise<T> {
    const cached = this.cached;
    if (cached && now >= cached.readAt && now - cached.readAt < this.ttlMs) return cached.value;
    const value = await read();
    this.cached = { value, readAt: now };
    return value;
  }

  /** Forgets the value; call it once the change is committed, so no read of the old data can refill it. */
  drop(): void {
    this.cached = undefined;
  }
}
