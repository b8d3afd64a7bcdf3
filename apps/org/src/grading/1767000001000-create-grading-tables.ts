import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The yearly grading in stars, and the list of weak and lax organizations under rectification. */
export class CreateGradingTables1767000001000 implements MigrationInterface {
  name = 'CreateGradingTables1767000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE grading (
        organization_id uuid NOT NULL REFERENCES organization (id),
        year int NOT NULL,
        stars int NOT NULL CHECK (stars BETWEEN 1 AND 5),
        note text,
        graded_by text NOT NULL,
        graded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (organization_id, year)
      )`);
    await q.query(`
      CREATE TABLE rectification (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organization (id),
        year int NOT NULL,
        reasons text[] NOT NULL,
        measures text[] NOT NULL,
        listed_by text NOT NULL,
        lifted_on date,
        lift_note text
      )`);
    await q.query(`CREATE UNIQUE INDEX rectification_open_idx ON rectification (organization_id) WHERE lifted_on IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rectification`);
    await q.query(`DROP TABLE grading`);
  }
}
