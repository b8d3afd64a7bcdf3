import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Evaluations of a volunteer's service by those served, in an activity or an exchange. */
export class CreateEvaluationTable1766000000900 implements MigrationInterface {
  name = 'CreateEvaluationTable1766000000900';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE evaluation (
        id uuid PRIMARY KEY,
        volunteer_id uuid NOT NULL REFERENCES volunteer (id),
        activity_id uuid REFERENCES activity (id),
        exchange_id uuid REFERENCES exchange (id),
        score integer NOT NULL CHECK (score BETWEEN 1 AND 5),
        comment text,
        evaluated_by text NOT NULL,
        digest text NOT NULL,
        evaluated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((activity_id IS NULL) <> (exchange_id IS NULL))
      )`);
    // One evaluation per person served, volunteer and service.
    await q.query(`CREATE UNIQUE INDEX evaluation_once ON evaluation (volunteer_id, coalesce(activity_id, exchange_id), evaluated_by)`);
    await q.query(`CREATE INDEX evaluation_at_idx ON evaluation (evaluated_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE evaluation`);
  }
}
