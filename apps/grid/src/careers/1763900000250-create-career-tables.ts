import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The career ladder, careers and their steps, assessments, training, certificates and the reserve talent pool. */
export class CreateCareerTables1763900000250 implements MigrationInterface {
  name = 'CreateCareerTables1763900000250';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE career_ladder (
        post text PRIMARY KEY CHECK (post IN ('staff', 'deputy', 'head')),
        lowest_grade integer NOT NULL,
        highest_grade integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (1 <= lowest_grade AND lowest_grade <= highest_grade AND highest_grade <= 18)
      )`);
    // The usual 三岗十八级 ranges; `career.set-ladder` changes them.
    await q.query(`INSERT INTO career_ladder (post, lowest_grade, highest_grade) VALUES ('staff', 1, 12), ('deputy', 4, 15), ('head', 7, 18)`);
    await q.query(`
      CREATE TABLE career (
        worker_id uuid PRIMARY KEY REFERENCES worker (id),
        position text NOT NULL CHECK (position IN ('grid-worker', 'committee-member', 'deputy-secretary', 'secretary')),
        grade integer NOT NULL CHECK (grade BETWEEN 1 AND 18),
        since date NOT NULL,
        competent_years integer NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX career_position_idx ON career (position)`);
    await q.query(`
      CREATE TABLE career_step (
        id uuid PRIMARY KEY,
        worker_id uuid NOT NULL REFERENCES career (worker_id),
        kind text NOT NULL CHECK (kind IN ('placed', 'promoted', 'graded')),
        on_day date NOT NULL,
        position_before text,
        position text NOT NULL,
        grade_before integer,
        grade integer NOT NULL,
        reason text NOT NULL,
        assessment_id uuid,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX career_step_worker_idx ON career_step (worker_id, on_day, id)`);
    await q.query(`
      CREATE TABLE assessment (
        id uuid PRIMARY KEY,
        worker_id uuid NOT NULL REFERENCES worker (id),
        kind text NOT NULL CHECK (kind IN ('monthly', 'quarterly', 'annual')),
        period text NOT NULL,
        year integer NOT NULL,
        score numeric(5, 2) NOT NULL CHECK (score BETWEEN 0 AND 100),
        satisfaction numeric(5, 2) CHECK (satisfaction BETWEEN 0 AND 100),
        assessed_by text,
        remarks text,
        composite numeric(5, 2),
        grade text CHECK (grade IN ('excellent', 'competent', 'basically-competent', 'incompetent')),
        renew_contract boolean,
        grade_before integer,
        grade_after integer,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (worker_id, kind, period),
        CHECK ((kind = 'annual') = (grade IS NOT NULL))
      )`);
    // The reserve pool roll reads one year's annual grades.
    await q.query(`CREATE INDEX assessment_annual_idx ON assessment (year, grade) WHERE kind = 'annual'`);
    await q.query(`
      CREATE TABLE training (
        id uuid PRIMARY KEY,
        worker_id uuid NOT NULL REFERENCES worker (id),
        course text NOT NULL,
        provider text,
        started_on date NOT NULL,
        ended_on date,
        hours numeric(6, 1) NOT NULL CHECK (hours > 0),
        passed boolean,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CHECK (ended_on IS NULL OR ended_on >= started_on)
      )`);
    await q.query(`CREATE INDEX training_worker_idx ON training (worker_id, started_on)`);
    await q.query(`
      CREATE TABLE certificate (
        id uuid PRIMARY KEY,
        worker_id uuid NOT NULL REFERENCES worker (id),
        kind text NOT NULL,
        name text NOT NULL,
        number text NOT NULL,
        issued_on date NOT NULL,
        expires_on date,
        issuer text,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (kind, name, number),
        CHECK (expires_on IS NULL OR expires_on > issued_on)
      )`);
    await q.query(`CREATE INDEX certificate_worker_idx ON certificate (worker_id)`);
    await q.query(`
      CREATE TABLE reserve_pool_member (
        year integer NOT NULL,
        worker_id uuid NOT NULL REFERENCES worker (id),
        source text NOT NULL CHECK (source IN ('carried', 'excellent', 'nominated')),
        target_position text,
        reason text NOT NULL,
        added_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (year, worker_id)
      )`);
    // One row per rolled year with what changed, for the record.
    await q.query(`
      CREATE TABLE reserve_pool_roll (
        year integer PRIMARY KEY,
        result jsonb NOT NULL,
        rolled_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reserve_pool_roll, reserve_pool_member, certificate, training, assessment, career_step, career, career_ladder`);
  }
}
