/** How long reference data read for intake (calendar, categories, routing rules) is kept by a process. */
const REFERENCE_CACHE_MS = 5_000;

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

/**
 * The same, per key: for reference data too large to read whole, such as the
 * routing rules of every category. Keys missing or older than `ttlMs` are
 * read together, with one call.
 */
export class ShortLivedMap<K, V> {
  private readonly cached = new Map<K, { value: V; readAt: number }>();

  constructor(private readonly ttlMs = REFERENCE_CACHE_MS) {}

  /** The values of `keys`; `read` gets the keys to read and answers a value for each of them. */
  async getMany(keys: Iterable<K>, read: (keys: K[]) => Promise<Map<K, V>>, now = Date.now()): Promise<Map<K, V>> {
    const found = new Map<K, V>();
    const missing: K[] = [];
    for (const key of new Set(keys)) {
      const entry = this.cached.get(key);
      if (entry && now >= entry.readAt && now - entry.readAt < this.ttlMs) found.set(key, entry.value);
      else missing.push(key);
    }
    if (missing.length > 0) {
      const fresh = await read(missing);
      for (const key of missing) {
        if (!fresh.has(key)) throw new Error(`ShortLivedMap: no value read for ${String(key)}`);
        const value = fresh.get(key)!;
        this.cached.set(key, { value, readAt: now });
        found.set(key, value);
      }
    }
    return found;
  }

  /** Forgets every value; call it once a change is committed. */
  drop(): void {
    this.cached.clear();
  }
}
