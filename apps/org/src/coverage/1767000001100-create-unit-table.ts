import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Registered units (enterprises, social organizations, new-employment groups) for the two coverages. */
export class CreateUnitTable1767000001100 implements MigrationInterface {
  name = 'CreateUnitTable1767000001100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE unit (
        code text COLLATE "C" PRIMARY KEY,
        name text NOT NULL,
        type text NOT NULL CHECK (type IN ('state-enterprise', 'non-public-enterprise', 'social-organization', 'new-employment')),
        area_code text COLLATE "C" NOT NULL,
        area_path text[] NOT NULL,
        employees int NOT NULL,
        party_members int NOT NULL,
        registered_by text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX unit_area_path_idx ON unit USING gin (area_path)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE unit`);
  }
}
