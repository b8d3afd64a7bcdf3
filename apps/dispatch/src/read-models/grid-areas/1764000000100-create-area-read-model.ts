import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dispatch's read model of the grid service's areas: the tree, and the
 * boundaries of active grids so a reported point finds its grid here, without
 * a call per case.
 */
export class CreateAreaReadModel1764000000100 implements MigrationInterface {
  name = 'CreateAreaReadModel1764000000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS postgis`);
    await q.query(`
      CREATE TABLE known_area (
        code text COLLATE "C" PRIMARY KEY,
        name text NOT NULL,
        level text NOT NULL,
        parent_code text COLLATE "C",
        path text[] NOT NULL,
        boundary geometry(MultiPolygon, 4326),
        retired boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX known_area_grid_boundary_idx ON known_area USING gist (boundary) WHERE level = 'grid' AND NOT retired`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE known_area`);
  }
}
