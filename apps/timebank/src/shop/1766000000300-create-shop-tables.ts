import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The points shop: rewards with their stock counted as the ledger counts
 * points (in all, reserved, issued: the database refuses to hand out more
 * than there is), and redemptions, each holding one pending ledger transfer
 * under its own id.
 */
export class CreateShopTables1766000000300 implements MigrationInterface {
  name = 'CreateShopTables1766000000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE reward (
        id uuid PRIMARY KEY,
        community_code text COLLATE "C" NOT NULL,
        name text NOT NULL,
        points bigint NOT NULL CHECK (points > 0),
        stock integer NOT NULL,
        reserved integer NOT NULL DEFAULT 0,
        issued integer NOT NULL DEFAULT 0,
        per_person_limit integer,
        pickup_seconds integer NOT NULL,
        shop_account_id uuid NOT NULL REFERENCES account (id),
        defined_by text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT reward_stock_covers CHECK (reserved >= 0 AND issued >= 0 AND reserved + issued <= stock)
      )`);
    await q.query(`CREATE INDEX reward_community_idx ON reward (community_code, id)`);
    await q.query(`
      CREATE TABLE redemption (
        id uuid PRIMARY KEY,
        reward_id uuid NOT NULL REFERENCES reward (id),
        account_id uuid NOT NULL REFERENCES account (id),
        quantity integer NOT NULL CHECK (quantity > 0),
        points bigint NOT NULL,
        state text NOT NULL CHECK (state IN ('reserved', 'picked-up', 'cancelled', 'expired')),
        pickup_by timestamptz NOT NULL,
        digest text NOT NULL,
        redeemed_by text NOT NULL,
        redeemed_at timestamptz NOT NULL DEFAULT now(),
        resolved_by uuid,
        resolved_at timestamptz,
        CHECK ((state = 'reserved') = (resolved_by IS NULL))
      )`);
    // The per-person limit counts a person's pieces of one reward.
    await q.query(`CREATE INDEX redemption_reward_account_idx ON redemption (reward_id, account_id)`);
    await q.query(`CREATE INDEX redemption_account_idx ON redemption (account_id, id)`);
    await q.query(`CREATE INDEX redemption_pickup_idx ON redemption (pickup_by) WHERE state = 'reserved'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE redemption, reward`);
  }
}
