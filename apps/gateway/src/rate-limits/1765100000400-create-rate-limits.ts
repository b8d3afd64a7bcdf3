import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Request counts per client (an address or a token) and limit, in fixed
 * windows, kept in the gateway's database so that every replica counts the
 * same requests. UNLOGGED: losing the counts in a crash only forgives the
 * current window, and they are written on every request.
 */
export class CreateRateLimits1765100000400 implements MigrationInterface {
  name = 'CreateRateLimits1765100000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE UNLOGGED TABLE rate_limit (
        key text PRIMARY KEY,
        window_ends_at timestamptz NOT NULL,
        hits int NOT NULL,
        blocked_until timestamptz
      )`);
    await q.query(`CREATE INDEX rate_limit_expiry_idx ON rate_limit (GREATEST(window_ends_at, COALESCE(blocked_until, window_ends_at)))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rate_limit`);
  }
}
