import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Base-information records (人、地、事、物、组织) per grid and their change history. */
export class CreateBaseInformationTables1763900000300 implements MigrationInterface {
  name = 'CreateBaseInformationTables1763900000300';

  async up(q: QueryRunner): Promise<void> {
    // `type` has no CHECK: the catalogue lives in code and grows without a migration.
    await q.query(`
      CREATE TABLE base_record (
        id uuid PRIMARY KEY,
        grid_code text NOT NULL REFERENCES area (code),
        kind text NOT NULL CHECK (kind IN ('person', 'place', 'thing', 'matter', 'organization')),
        type text NOT NULL,
        name text NOT NULL,
        id_number text CHECK (id_number IS NULL OR kind = 'person'),
        location geometry(Point, 4326),
        attributes jsonb NOT NULL,
        version integer NOT NULL,
        registered_at timestamptz NOT NULL,
        registered_by_id text NOT NULL,
        registered_by_name text NOT NULL,
        updated_at timestamptz NOT NULL,
        updated_by_id text NOT NULL,
        updated_by_name text NOT NULL,
        archived_at timestamptz,
        archive_reason text
      )`);
    await q.query(`CREATE INDEX base_record_grid_idx ON base_record (grid_code, id)`);
    await q.query(`CREATE INDEX base_record_grid_type_idx ON base_record (grid_code, type, id) WHERE archived_at IS NULL`);
    // One active person per ID number and grid; also the backstop for two registrations racing.
    await q.query(`
      CREATE UNIQUE INDEX base_record_person_key ON base_record (grid_code, id_number)
        WHERE id_number IS NOT NULL AND archived_at IS NULL`);
    await q.query(`CREATE INDEX base_record_location_idx ON base_record USING gist (location)`);
    await q.query(`
      CREATE TABLE base_record_change (
        record_id uuid NOT NULL REFERENCES base_record (id),
        version integer NOT NULL,
        change text NOT NULL CHECK (change IN ('registered', 'updated', 'archived')),
        actor_id text NOT NULL,
        actor_name text NOT NULL,
        at timestamptz NOT NULL,
        changes jsonb NOT NULL,
        reason text,
        PRIMARY KEY (record_id, version)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE base_record_change, base_record`);
  }
}
