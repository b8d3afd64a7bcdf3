import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Earning rules per area, and every award made by one (a cause is awarded once per rule). */
export class CreateEarningTables1766000000700 implements MigrationInterface {
  name = 'CreateEarningTables1766000000700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE earning_rule (
        id uuid PRIMARY KEY,
        area_code text COLLATE "C" NOT NULL,
        area_path text[] NOT NULL,
        kind text NOT NULL CHECK (kind IN ('service-hour', 'deed', 'courier-whistle')),
        deed_code text,
        points integer NOT NULL CHECK (points > 0),
        cap integer CHECK (cap > 0),
        cap_period text CHECK (cap_period IN ('day', 'week', 'month', 'year')),
        outcomes text[],
        expires_after_days integer CHECK (expires_after_days > 0),
        active boolean NOT NULL DEFAULT true,
        defined_by text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((cap IS NULL) = (cap_period IS NULL)),
        CHECK ((kind = 'deed') = (deed_code IS NOT NULL))
      )`);
    // One active rule per area, kind and deed: which one applies is never a tie.
    await q.query(`CREATE UNIQUE INDEX earning_rule_one_per_area ON earning_rule (area_code, kind, coalesce(deed_code, '')) WHERE active`);
    await q.query(`
      CREATE TABLE points_award (
        id uuid PRIMARY KEY,
        rule_id uuid NOT NULL REFERENCES earning_rule (id),
        volunteer_id uuid NOT NULL REFERENCES volunteer (id),
        kind text NOT NULL,
        points integer NOT NULL CHECK (points >= 0),
        reference text NOT NULL,
        period_start timestamp,
        transfer_id uuid UNIQUE REFERENCES transfer (id),
        digest text,
        awarded_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        expired_points integer,
        expiry_transfer_id uuid UNIQUE REFERENCES transfer (id),
        CONSTRAINT points_award_once UNIQUE (rule_id, volunteer_id, reference),
        CHECK ((points > 0) = (transfer_id IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX points_award_cap_idx ON points_award (rule_id, volunteer_id, period_start)`);
    // The expiry timer's queue: awards whose points may lapse and have not yet.
    await q.query(`CREATE INDEX points_award_expiry_idx ON points_award (expires_at) WHERE expires_at IS NOT NULL AND expired_points IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE points_award, earning_rule`);
  }
}
