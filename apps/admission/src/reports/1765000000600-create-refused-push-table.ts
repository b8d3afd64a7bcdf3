import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Pushes dispatch refused at the gate, from its events: counted in the burden-reduction report. */
export class CreateRefusedPushTable1765000000600 implements MigrationInterface {
  name = 'CreateRefusedPushTable1765000000600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE refused_push (
        event_id text PRIMARY KEY,
        report_key text NOT NULL,
        at timestamptz NOT NULL,
        department text NOT NULL,
        category_code text NOT NULL,
        item_code text,
        level text NOT NULL,
        area_code text,
        area_path text[] NOT NULL,
        reason text NOT NULL
      )`);
    // A department retrying one refused report (same idempotency key) is one refused push.
    await q.query(`CREATE UNIQUE INDEX refused_push_report_idx ON refused_push (department, report_key)`);
    await q.query(`CREATE INDEX refused_push_path_idx ON refused_push USING gin (area_path)`);
    await q.query(`CREATE INDEX refused_push_at_idx ON refused_push (at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE refused_push`);
  }
}
