import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The one record of decisions every workflow of the service writes (transfer, conversion, joining): append-only. */
export class CreateApprovalTable1767000000250 implements MigrationInterface {
  name = 'CreateApprovalTable1767000000250';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE approval (
        id uuid PRIMARY KEY,
        workflow text NOT NULL CHECK (workflow IN ('transfer', 'conversion', 'joining')),
        subject_id uuid NOT NULL,
        step text NOT NULL,
        decision text NOT NULL CHECK (decision IN ('pass', 'return', 'refuse')),
        reason text NOT NULL,
        actor_id text NOT NULL,
        actor_name text,
        decided_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX approval_subject_idx ON approval (subject_id, decided_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE approval`);
  }
}
