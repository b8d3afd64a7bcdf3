import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Which current organizations name a unit: the two coverages ask it of every registered unit. */
export class IndexOrganizationUnits1767000001050 implements MigrationInterface {
  name = 'IndexOrganizationUnits1767000001050';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX organization_unit_codes_idx ON organization USING gin (unit_codes) WHERE dissolved_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX organization_unit_codes_idx`);
  }
}
