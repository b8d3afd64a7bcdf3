import type { MigrationInterface, QueryRunner } from 'typeorm';

/** People on their way into the party (发展党员), their training sessions; the decisions are in `approval`. */
export class CreateJoiningTables1767000000500 implements MigrationInterface {
  name = 'CreateJoiningTables1767000000500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE applicant (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        -- Encrypted and hashed as members' are (members/personal-data.ts).
        id_number_enc text NOT NULL,
        id_number_hash bytea NOT NULL,
        organization_id uuid NOT NULL REFERENCES organization (id),
        stage text NOT NULL CHECK (stage IN ('applicant', 'activist', 'candidate', 'planned', 'admitted', 'stopped')),
        applied_on date NOT NULL,
        activist_on date,
        candidate_on date,
        planned_on date,
        -- The branch assembly's resolution to admit; the higher committee's approval then admits.
        admission_resolved_on date,
        admitted_on date,
        stopped_on date,
        sponsor_ids uuid[] NOT NULL DEFAULT '{}',
        member_id uuid REFERENCES member (id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // One open application per person.
    await q.query(`CREATE UNIQUE INDEX applicant_open_idx ON applicant (id_number_hash) WHERE stage NOT IN ('admitted', 'stopped')`);
    await q.query(`CREATE INDEX applicant_organization_idx ON applicant (organization_id) WHERE stage NOT IN ('admitted', 'stopped')`);
    await q.query(`
      CREATE TABLE applicant_training (
        id uuid PRIMARY KEY,
        applicant_id uuid NOT NULL REFERENCES applicant (id),
        on_day date NOT NULL,
        minutes int NOT NULL CHECK (minutes > 0),
        topic text NOT NULL,
        recorded_by text NOT NULL
      )`);
    await q.query(`CREATE INDEX applicant_training_idx ON applicant_training (applicant_id, on_day)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE applicant_training`);
    await q.query(`DROP TABLE applicant`);
  }
}
