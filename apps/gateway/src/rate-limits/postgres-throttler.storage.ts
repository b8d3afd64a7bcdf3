import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { DataSource } from 'typeorm';

interface Counted {
  hits: number;
  window_ends_in: number;
  blocked_for: number;
}

/**
 * `@nestjs/throttler`'s storage in PostgreSQL: one upsert per request and
 * limit, so replicas share the counts. A window of `ttl` counts hits; the
 * hit over the limit blocks the client for `blockDuration`, after which a
 * new window starts. The sole writer of `rate_limit`.
 */
@Injectable()
export class PostgresThrottlerStorage implements ThrottlerStorage, OnModuleInit, OnModuleDestroy {
  private sweeper?: NodeJS.Timeout;

  constructor(private readonly dataSource: DataSource) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number): Promise<{
    totalHits: number;
    timeToExpire: number;
    isBlocked: boolean;
    timeToBlockExpire: number;
  }> {
    const [row] = await this.dataSource.query<Counted[]>(
      `INSERT INTO rate_limit AS r (key, window_ends_at, hits) VALUES ($1, now() + make_interval(secs => $2 / 1000.0), 1)
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN r.blocked_until > now() THEN r.hits
                     WHEN r.window_ends_at <= now() OR r.blocked_until <= now() THEN 1
                     ELSE r.hits + 1 END,
         window_ends_at = CASE WHEN r.blocked_until > now() THEN r.window_ends_at
                               WHEN r.window_ends_at <= now() OR r.blocked_until <= now() THEN now() + make_interval(secs => $2 / 1000.0)
                               ELSE r.window_ends_at END,
         blocked_until = CASE WHEN r.blocked_until > now() THEN r.blocked_until
                              WHEN r.window_ends_at > now() AND (r.blocked_until IS NULL) AND r.hits + 1 > $3 THEN now() + make_interval(secs => $4 / 1000.0)
                              ELSE NULL END
       RETURNING hits,
                 CEIL(EXTRACT(EPOCH FROM window_ends_at - now()))::int AS window_ends_in,
                 COALESCE(CEIL(EXTRACT(EPOCH FROM blocked_until - now())), 0)::int AS blocked_for`,
      [key, ttl, limit, blockDuration],
    );
    const blocked = row!.blocked_for > 0;
    return { totalHits: blocked ? Math.max(row!.hits, limit + 1) : row!.hits, timeToExpire: row!.window_ends_in, isBlocked: blocked, timeToBlockExpire: row!.blocked_for };
  }

  /** Old windows are deleted once a minute, so the table holds only the clients of the last while. */
  onModuleInit(): void {
    this.sweeper = setInterval(() => {
      this.dataSource
        .query(`DELETE FROM rate_limit WHERE GREATEST(window_ends_at, COALESCE(blocked_until, window_ends_at)) < now() - interval '1 minute'`)
        .catch(() => undefined);
    }, 60_000);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }
}
