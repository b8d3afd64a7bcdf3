import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Party dues: each member's basis and the monthly roll, amounts in integer fen. */
export class CreateDuesTables1767000000700 implements MigrationInterface {
  name = 'CreateDuesTables1767000000700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE dues_basis (
        member_id uuid PRIMARY KEY REFERENCES member (id),
        rule text NOT NULL CHECK (rule IN ('income', 'fixed', 'exempt')),
        monthly_income_fen bigint,
        fixed_fen bigint,
        set_by text NOT NULL,
        set_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE dues_entry (
        member_id uuid NOT NULL REFERENCES member (id),
        month text COLLATE "C" NOT NULL,
        -- The organization the member belonged to when the month was rolled: its totals stay its own after a transfer.
        organization_id uuid NOT NULL REFERENCES organization (id),
        rule text NOT NULL,
        due_fen bigint NOT NULL CHECK (due_fen >= 0),
        paid_fen bigint NOT NULL DEFAULT 0 CHECK (paid_fen >= 0 AND paid_fen <= due_fen),
        paid_on date,
        PRIMARY KEY (member_id, month)
      )`);
    await q.query(`CREATE INDEX dues_entry_month_idx ON dues_entry (month, organization_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE dues_entry`);
    await q.query(`DROP TABLE dues_basis`);
  }
}
