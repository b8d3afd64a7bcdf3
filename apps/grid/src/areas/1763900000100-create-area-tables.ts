import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The area tree with PostGIS boundaries, base grids and their lineage, and other networks' grids. */
export class CreateAreaTables1763900000100 implements MigrationInterface {
  name = 'CreateAreaTables1763900000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS postgis`);
    // Codes sort byte-wise ("C"), so paging by code is the same on every server whatever its locale.
    await q.query(`
      CREATE TABLE area (
        code text COLLATE "C" PRIMARY KEY,
        name text NOT NULL,
        level text NOT NULL CHECK (level IN ('city', 'district', 'township', 'community', 'grid')),
        parent_code text COLLATE "C" REFERENCES area (code),
        path text[] NOT NULL,
        boundary geometry(MultiPolygon, 4326),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        retired_at timestamptz,
        CHECK ((level = 'city') = (parent_code IS NULL))
      )`);
    await q.query(`CREATE INDEX area_parent_idx ON area (parent_code, code)`);
    await q.query(`CREATE INDEX area_path_idx ON area USING gin (path)`);
    // "Where is this?" searches active grids first, then the other levels.
    await q.query(`CREATE INDEX area_active_grid_boundary_idx ON area USING gist (boundary) WHERE level = 'grid' AND retired_at IS NULL`);
    await q.query(`CREATE INDEX area_boundary_idx ON area USING gist (boundary) WHERE level <> 'grid'`);
    await q.query(`
      CREATE TABLE grid (
        code text PRIMARY KEY REFERENCES area (code),
        community_code text NOT NULL REFERENCES area (code),
        population integer NOT NULL CHECK (population >= 0),
        households integer NOT NULL CHECK (households >= 0),
        branch_org_id uuid,
        area_square_metres double precision NOT NULL
      )`);
    await q.query(`CREATE INDEX grid_community_idx ON grid (community_code)`);
    await q.query(`
      CREATE TABLE grid_lineage (
        id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('split', 'merge')),
        from_codes text[] NOT NULL,
        to_codes text[] NOT NULL,
        reason text NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX grid_lineage_from_idx ON grid_lineage USING gin (from_codes)`);
    await q.query(`CREATE INDEX grid_lineage_to_idx ON grid_lineage USING gin (to_codes)`);
    await q.query(`
      CREATE TABLE network_grid (
        network text NOT NULL,
        code text NOT NULL,
        name text NOT NULL,
        boundary geometry(MultiPolygon, 4326),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (network, code)
      )`);
    await q.query(`
      CREATE TABLE network_grid_mapping (
        network text NOT NULL,
        code text NOT NULL,
        grid_code text NOT NULL REFERENCES area (code),
        PRIMARY KEY (network, code, grid_code),
        FOREIGN KEY (network, code) REFERENCES network_grid (network, code) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX network_grid_mapping_grid_idx ON network_grid_mapping (grid_code)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE network_grid_mapping, network_grid, grid_lineage, grid, area`);
  }
}
