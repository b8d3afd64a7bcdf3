import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Applications (准入申请) and every step of their review. */
export class CreateApplicationTables1765000000500 implements MigrationInterface {
  name = 'CreateApplicationTables1765000000500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE application (
        id uuid PRIMARY KEY,
        item_code text COLLATE "C" NOT NULL,
        area_code text COLLATE "C" NOT NULL,
        -- The area's path when submitted: subtree lists and reports ask "is X on it".
        area_path text[] NOT NULL,
        level text NOT NULL,
        department text NOT NULL,
        reason text NOT NULL,
        head_count int NOT NULL,
        annual_budget_yuan bigint NOT NULL,
        funded_by text NOT NULL,
        state text NOT NULL,
        round int NOT NULL DEFAULT 1,
        submitted_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz
      )`);
    // One open application per item, area and level: a second would be decided twice.
    await q.query(`CREATE UNIQUE INDEX application_open_idx ON application (item_code, area_code, level) WHERE state NOT IN ('approved', 'refused')`);
    await q.query(`CREATE INDEX application_path_idx ON application USING gin (area_path)`);
    await q.query(`
      CREATE TABLE application_step (
        application_id uuid NOT NULL REFERENCES application (id),
        position int NOT NULL,
        action text NOT NULL,
        state text NOT NULL,
        by_id text NOT NULL,
        by_name text,
        reason text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (application_id, position)
      )`);
    await q.query(`CREATE INDEX application_step_at_idx ON application_step (at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE application_step`);
    await q.query(`DROP TABLE application`);
  }
}
