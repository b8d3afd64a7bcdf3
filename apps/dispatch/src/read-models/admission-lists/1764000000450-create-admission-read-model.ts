import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Dispatch's copy of the admission lists: which items may be pushed down to communities and grids. */
export class CreateAdmissionReadModel1764000000450 implements MigrationInterface {
  name = 'CreateAdmissionReadModel1764000000450';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE admitted_item (
        code text PRIMARY KEY,
        name text NOT NULL,
        admitted_levels text[] NOT NULL,
        list_version text NOT NULL,
        effective_from timestamptz NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE admitted_item`);
  }
}
