import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The timebank service's copy of the grid service's area tree: accounts, volunteers and activities belong to areas, and an actor's scope is checked up their paths. */
export class CreateAreaReadModel1766000000100 implements MigrationInterface {
  name = 'CreateAreaReadModel1766000000100';

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
    // Subtree reads (reports, application lists) ask "is X on the path".
    await q.query(`CREATE INDEX known_area_path_idx ON known_area USING gin (path)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE known_area`);
  }
}
