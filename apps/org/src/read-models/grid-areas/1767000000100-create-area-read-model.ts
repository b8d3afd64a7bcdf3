import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The org service's copy of the grid service's area tree: every organization is placed at one of its areas. */
export class CreateAreaReadModel1767000000100 implements MigrationInterface {
  name = 'CreateAreaReadModel1767000000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE known_area (
        code text COLLATE "C" PRIMARY KEY,
        name text NOT NULL,
        level text NOT NULL,
        parent_code text COLLATE "C",
        path text[] NOT NULL,
        retired boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX known_area_parent_idx ON known_area (parent_code)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE known_area`);
  }
}
