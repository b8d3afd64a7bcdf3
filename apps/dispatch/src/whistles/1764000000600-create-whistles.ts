import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whistles (吹哨) and the departments each calls to report in (报到). A call
 * waits until it is reported in or its deadline passes; the partial index
 * keeps the deadline poller's scan to the calls still waiting.
 */
export class CreateWhistles1764000000600 implements MigrationInterface {
  name = 'CreateWhistles1764000000600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE whistle (
        id uuid PRIMARY KEY,
        case_id uuid NOT NULL REFERENCES "case" (id),
        blown_by jsonb NOT NULL,
        level text NOT NULL,
        area_code text COLLATE "C" NOT NULL,
        reason text NOT NULL,
        blown_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX whistle_case_idx ON whistle (case_id, blown_at)`);
    await q.query(`
      CREATE TABLE whistle_call (
        whistle_id uuid NOT NULL REFERENCES whistle (id),
        department text COLLATE "C" NOT NULL,
        due_at timestamptz NOT NULL,
        reported_in_at timestamptz,
        reported_in_note text,
        missed_at timestamptz,
        PRIMARY KEY (whistle_id, department)
      )`);
    await q.query(`CREATE INDEX whistle_call_waiting_idx ON whistle_call (due_at) WHERE reported_in_at IS NULL AND missed_at IS NULL`);
    await q.query(`CREATE INDEX whistle_call_department_idx ON whistle_call (department, whistle_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE whistle_call; DROP TABLE whistle`);
  }
}
