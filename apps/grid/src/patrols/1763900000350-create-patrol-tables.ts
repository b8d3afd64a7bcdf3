import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Daily patrols (日常巡查) by grid workers, with their findings. */
export class CreatePatrolTables1763900000350 implements MigrationInterface {
  name = 'CreatePatrolTables1763900000350';

  async up(q: QueryRunner): Promise<void> {
    // Also created by the worker tables; needed here for the worker's no-overlap constraint.
    await q.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
    await q.query(`
      CREATE TABLE patrol (
        id uuid PRIMARY KEY,
        grid_code text NOT NULL REFERENCES area (code),
        worker_id uuid NOT NULL REFERENCES worker (id),
        patrol_date date NOT NULL,
        started_at timestamptz NOT NULL,
        ended_at timestamptz NOT NULL,
        route geometry(LineString, 4326),
        route_points integer NOT NULL,
        distance_metres double precision,
        case_reported boolean NOT NULL,
        case_reference text,
        logged_at timestamptz NOT NULL,
        CHECK (ended_at > started_at),
        CHECK (case_reference IS NULL OR case_reported),
        -- One worker cannot be on two patrols at once; this also refuses a patrol sent twice.
        CONSTRAINT patrol_worker_no_overlap EXCLUDE USING gist (worker_id WITH =, tstzrange(started_at, ended_at) WITH &&)
      )`);
    await q.query(`CREATE INDEX patrol_grid_idx ON patrol (grid_code, patrol_date, started_at)`);
    await q.query(`CREATE INDEX patrol_worker_idx ON patrol (worker_id, patrol_date, started_at)`);
    await q.query(`
      CREATE TABLE patrol_finding (
        patrol_id uuid NOT NULL REFERENCES patrol (id),
        position integer NOT NULL,
        text text NOT NULL,
        base_record_id uuid REFERENCES base_record (id),
        PRIMARY KEY (patrol_id, position)
      )`);
    await q.query(`CREATE INDEX patrol_finding_record_idx ON patrol_finding (base_record_id) WHERE base_record_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE patrol_finding, patrol`);
  }
}
