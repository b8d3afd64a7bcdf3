import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Grid workers and their assignments to grids over time. */
export class CreateWorkerTables1763900000200 implements MigrationInterface {
  name = 'CreateWorkerTables1763900000200';

  async up(q: QueryRunner): Promise<void> {
    // For the exclusion constraints below (equality on uuid/text beside range overlap).
    await q.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
    await q.query(`
      CREATE TABLE worker (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        employment text NOT NULL CHECK (employment IN ('full-time', 'part-time')),
        phone text,
        gender text CHECK (gender IN ('female', 'male')),
        birth_date date,
        community_code text REFERENCES area (code),
        hired_on date NOT NULL,
        left_on date,
        leave_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (left_on IS NULL OR left_on >= hired_on)
      )`);
    await q.query(`CREATE INDEX worker_community_idx ON worker (community_code)`);
    // An assignment covers the days [started_on, ended_on); ended_on = started_on is a cancelled one.
    await q.query(`
      CREATE TABLE worker_assignment (
        id uuid PRIMARY KEY,
        worker_id uuid NOT NULL REFERENCES worker (id),
        grid_code text NOT NULL REFERENCES grid (code),
        role text NOT NULL CHECK (role IN ('worker', 'head')),
        started_on date NOT NULL,
        ended_on date,
        end_reason text,
        during daterange GENERATED ALWAYS AS (daterange(started_on, ended_on, '[)')) STORED,
        created_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz,
        CHECK (ended_on IS NULL OR ended_on >= started_on),
        CONSTRAINT worker_assignment_no_overlap EXCLUDE USING gist (worker_id WITH =, grid_code WITH =, during WITH &&),
        CONSTRAINT worker_assignment_one_head EXCLUDE USING gist (grid_code WITH =, during WITH &&) WHERE (role = 'head')
      )`);
    await q.query(`CREATE INDEX worker_assignment_grid_idx ON worker_assignment USING gist (grid_code, during)`);
    await q.query(`CREATE INDEX worker_assignment_worker_idx ON worker_assignment (worker_id, started_on)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE worker_assignment, worker`);
  }
}
