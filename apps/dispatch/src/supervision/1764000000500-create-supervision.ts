import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deadline timers and supervision orders.
 *
 * Timers are derived from the case row, never kept in memory: for each of
 * its two deadlines (accept = claim 签收, complete = resolve 办结) a case has
 * the moment its owner is reminded (`*_remind_at`), when that was done
 * (`*_reminded_at`) and when the deadline's miss was dealt with without
 * moving the deadline (`*_missed_at`, at the top level only). `timer_at` is
 * the next moment the poller has something to do for the case, NULL when
 * nothing; a partial index holds only the non-NULL ones, so the poller finds
 * due work among millions of closed cases with one small index range scan.
 *
 * A trigger keeps all of it right on every INSERT and UPDATE, whoever writes
 * the row (intake's bulk insert, any lifecycle change, a supervision order):
 * a changed deadline gets a fresh reminder moment and loses its reminded and
 * missed marks, and `timer_at` is recomputed from the state. So code that
 * assigns, reopens or escalates needs to know nothing about timers.
 *
 * Reminder rule: a deadline set at moment S and due at D is reminded at
 * S + (D − S) × remind_at_percent / 100 (80 by default: with a fifth of the
 * time left), counted in wall-clock time, so for working-hour limits the
 * reminder may fall outside working hours (it waits in the owner's queue).
 */
export class CreateSupervision1764000000500 implements MigrationInterface {
  name = 'CreateSupervision1764000000500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE "case"
        ADD COLUMN accept_remind_at timestamptz,
        ADD COLUMN accept_reminded_at timestamptz,
        ADD COLUMN accept_missed_at timestamptz,
        ADD COLUMN complete_remind_at timestamptz,
        ADD COLUMN complete_reminded_at timestamptz,
        ADD COLUMN complete_missed_at timestamptz,
        ADD COLUMN overdue_count integer NOT NULL DEFAULT 0,
        ADD COLUMN timer_at timestamptz`);
    await q.query(`
      CREATE TABLE deadline_rule (
        id smallint PRIMARY KEY CHECK (id = 1),
        remind_at_percent smallint NOT NULL CHECK (remind_at_percent BETWEEN 1 AND 99)
      )`);
    await q.query(`INSERT INTO deadline_rule (id, remind_at_percent) VALUES (1, 80)`);
    await q.query(`
      CREATE FUNCTION case_deadline_timer() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        share double precision;
      BEGIN
        IF TG_OP = 'INSERT' OR NEW.accept_due_at IS DISTINCT FROM OLD.accept_due_at
           OR NEW.complete_due_at IS DISTINCT FROM OLD.complete_due_at THEN
          SELECT COALESCE(max(remind_at_percent), 80) / 100.0 INTO share FROM deadline_rule;
          IF TG_OP = 'INSERT' OR NEW.accept_due_at IS DISTINCT FROM OLD.accept_due_at THEN
            NEW.accept_remind_at := now() + (NEW.accept_due_at - now()) * share;
            NEW.accept_reminded_at := NULL;
            NEW.accept_missed_at := NULL;
          END IF;
          IF TG_OP = 'INSERT' OR NEW.complete_due_at IS DISTINCT FROM OLD.complete_due_at THEN
            NEW.complete_remind_at := now() + (NEW.complete_due_at - now()) * share;
            NEW.complete_reminded_at := NULL;
            NEW.complete_missed_at := NULL;
          END IF;
        END IF;
        -- LEAST ignores NULLs: a deadline that does not run in this state adds nothing.
        NEW.timer_at := LEAST(
          CASE WHEN NEW.state IN ('assigned', 'reopened') AND NEW.accept_missed_at IS NULL THEN
            CASE WHEN NEW.accept_reminded_at IS NULL THEN LEAST(NEW.accept_remind_at, NEW.accept_due_at) ELSE NEW.accept_due_at END
          END,
          CASE WHEN NEW.state IN ('assigned', 'reopened', 'in-progress') AND NEW.complete_missed_at IS NULL THEN
            CASE WHEN NEW.complete_reminded_at IS NULL THEN LEAST(NEW.complete_remind_at, NEW.complete_due_at) ELSE NEW.complete_due_at END
          END);
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER case_deadline_timer BEFORE INSERT OR UPDATE OF
        state, accept_due_at, complete_due_at, accept_remind_at, accept_reminded_at, accept_missed_at,
        complete_remind_at, complete_reminded_at, complete_missed_at, overdue_count, timer_at
        ON "case" FOR EACH ROW EXECUTE FUNCTION case_deadline_timer()`);
    await q.query(`CREATE INDEX case_timer_idx ON "case" (timer_at) WHERE timer_at IS NOT NULL`);

    await q.query(`
      CREATE TABLE supervision_order (
        id uuid PRIMARY KEY,
        case_id uuid NOT NULL REFERENCES "case" (id),
        case_number text NOT NULL,
        area_path text[] NOT NULL DEFAULT '{}',
        issuer_level text NOT NULL,
        issuer_area_code text COLLATE "C",
        actor jsonb NOT NULL,
        note text NOT NULL,
        owner jsonb NOT NULL,
        owner_department text,
        complete_due_at timestamptz,
        previous_complete_due_at timestamptz,
        issued_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX supervision_order_case_idx ON supervision_order (case_id, id DESC)`);
    await q.query(`CREATE INDEX supervision_order_path_idx ON supervision_order USING gin (area_path)`);
    await q.query(`CREATE INDEX supervision_order_department_idx ON supervision_order (owner_department, id DESC) WHERE owner_department IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE supervision_order`);
    await q.query(`DROP TRIGGER case_deadline_timer ON "case"`);
    await q.query(`DROP FUNCTION case_deadline_timer`);
    await q.query(`DROP TABLE deadline_rule`);
    await q.query(`
      ALTER TABLE "case"
        DROP COLUMN accept_remind_at, DROP COLUMN accept_reminded_at, DROP COLUMN accept_missed_at,
        DROP COLUMN complete_remind_at, DROP COLUMN complete_reminded_at, DROP COLUMN complete_missed_at,
        DROP COLUMN overdue_count, DROP COLUMN timer_at`);
  }
}
