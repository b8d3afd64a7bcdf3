import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cases and their timelines. The timeline is append-only: a trigger refuses
 * any UPDATE or DELETE, so history cannot be rewritten even by mistake.
 * Open cases have their own partial indexes so millions of closed cases do
 * not slow the queues and the live board.
 *
 * Two later migrations add to the case table: the deadline timers' columns
 * and trigger (CreateSupervision1764000000500) and the live board's index
 * (CreateAssessment1764000000700). `case.rows.ts` lists every column.
 */
export class CreateCaseTables1764000000400 implements MigrationInterface {
  name = 'CreateCaseTables1764000000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE case_number_seq`);
    await q.query(`
      CREATE TABLE "case" (
        id uuid PRIMARY KEY,
        number text NOT NULL UNIQUE,
        idempotency_scope text NOT NULL,
        idempotency_key text NOT NULL,
        state text NOT NULL,
        channel text NOT NULL,
        category_code text COLLATE "C" NOT NULL REFERENCES category (code),
        description text NOT NULL,
        longitude double precision,
        latitude double precision,
        address text,
        grid_code text COLLATE "C",
        area_path text[] NOT NULL DEFAULT '{}',
        reporter jsonb,
        attachments jsonb NOT NULL DEFAULT '[]',
        reporting_department text,
        push_down_to text,
        owner_kind text,
        owner_department text,
        owner_level text,
        owner_area_code text COLLATE "C",
        owner_worker_id text,
        accept_due_at timestamptz,
        complete_due_at timestamptz,
        flag text,
        reopen_count integer NOT NULL DEFAULT 0,
        satisfaction text,
        duplicate_of uuid REFERENCES "case" (id),
        occurred_at timestamptz,
        reported_at timestamptz NOT NULL,
        assigned_at timestamptz,
        claimed_at timestamptz,
        resolved_at timestamptz,
        closed_at timestamptz,
        updated_at timestamptz NOT NULL,
        version integer NOT NULL DEFAULT 1,
        UNIQUE (idempotency_scope, idempotency_key)
      )`);
    const open = `WHERE state NOT IN ('closed', 'merged', 'rejected')`;
    await q.query(`CREATE INDEX case_open_state_idx ON "case" (state, id DESC) ${open}`);
    await q.query(`CREATE INDEX case_open_department_idx ON "case" (owner_department, id DESC) ${open}`);
    await q.query(`CREATE INDEX case_open_area_idx ON "case" (owner_area_code, id DESC) ${open}`);
    await q.query(`CREATE INDEX case_open_worker_idx ON "case" (owner_worker_id, id DESC) ${open}`);
    await q.query(`CREATE INDEX case_open_path_idx ON "case" USING gin (area_path) ${open}`);
    await q.query(`
      CREATE TABLE case_timeline (
        case_id uuid NOT NULL REFERENCES "case" (id),
        seq integer NOT NULL,
        at timestamptz NOT NULL,
        actor_kind text NOT NULL,
        actor_id text,
        actor_name text,
        action text NOT NULL,
        from_state text,
        to_state text,
        reason text,
        data jsonb,
        PRIMARY KEY (case_id, seq)
      )`);
    await q.query(`
      CREATE FUNCTION case_timeline_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'a case timeline is never rewritten (% refused)', TG_OP;
      END $$`);
    await q.query(`
      CREATE TRIGGER case_timeline_append_only BEFORE UPDATE OR DELETE ON case_timeline
        FOR EACH ROW EXECUTE FUNCTION case_timeline_is_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE case_timeline; DROP FUNCTION case_timeline_is_append_only; DROP TABLE "case"; DROP SEQUENCE case_number_seq`);
  }
}
