import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Members' registrations with the community where they live (双报到), and the verified service that builds their record. */
export class CreateReportInTables1767000000600 implements MigrationInterface {
  name = 'CreateReportInTables1767000000600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE report_in (
        id uuid PRIMARY KEY,
        member_id uuid NOT NULL UNIQUE REFERENCES member (id),
        community_code text COLLATE "C" NOT NULL,
        community_path text[] NOT NULL,
        volunteer_id text NOT NULL UNIQUE,
        registered_on date NOT NULL,
        registered_by text NOT NULL
      )`);
    await q.query(`CREATE INDEX report_in_community_idx ON report_in (community_code)`);
    await q.query(`
      CREATE TABLE service_entry (
        -- The timebank ledger entry: an entry counts once, whatever is delivered twice.
        entry_id uuid PRIMARY KEY,
        report_in_id uuid NOT NULL REFERENCES report_in (id),
        minutes int NOT NULL CHECK (minutes > 0),
        activity_name text,
        area_code text,
        verified_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX service_entry_report_in_idx ON service_entry (report_in_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE service_entry`);
    await q.query(`DROP TABLE report_in`);
  }
}
