import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Secretaries and committee members as appointments with terms; at most one current secretary per organization. */
export class CreateAppointmentTable1767000000900 implements MigrationInterface {
  name = 'CreateAppointmentTable1767000000900';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE appointment (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organization (id),
        member_id uuid NOT NULL REFERENCES member (id),
        role text NOT NULL CHECK (role IN ('secretary', 'deputy-secretary', 'committee-member')),
        from_on date NOT NULL,
        term_ends_on date NOT NULL CHECK (term_ends_on > from_on),
        ended_on date,
        end_reason text,
        appointed_by text NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX appointment_one_secretary_idx ON appointment (organization_id) WHERE role = 'secretary' AND ended_on IS NULL`);
    await q.query(`CREATE UNIQUE INDEX appointment_one_role_idx ON appointment (organization_id, member_id) WHERE ended_on IS NULL`);
    await q.query(`CREATE INDEX appointment_term_idx ON appointment (term_ends_on) WHERE ended_on IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE appointment`);
  }
}
