import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Unified assessment (统一考核) and the live board.
 *
 * `case_stat_daily` holds one row per dimension (department, or an area
 * level), key (the department's or area's code) and Asia/Shanghai local day,
 * with counters the assessment handlers add to exactly once per fact (each
 * case event is applied once, in the transaction that records it in the
 * inbox). A district-month reads at most 31 rows through the primary key;
 * rankings read a level's rows of a period through (dimension, day).
 *
 * `case_stat_assignment` remembers each assignment's owner and deadlines as
 * announced, so a claim, resolution, hand-back or callback is judged against
 * the deadlines in force when it happened, however late its event is
 * applied. Rows of cases that ended more than 30 days ago are purged.
 *
 * `case_open_board_idx` makes the live board an index-only scan of open
 * cases: partial (open states only, like the case migration's indexes) and
 * carrying every column the board reads, so millions of closed cases are
 * never touched.
 */
export class CreateAssessment1764000000700 implements MigrationInterface {
  name = 'CreateAssessment1764000000700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_stat_daily (
        dimension text COLLATE "C" NOT NULL CHECK (dimension IN ('department', 'city', 'district', 'township', 'community', 'grid')),
        key text COLLATE "C" NOT NULL,
        day date NOT NULL,
        received integer NOT NULL DEFAULT 0,
        accepted_on_time integer NOT NULL DEFAULT 0,
        accepted_late integer NOT NULL DEFAULT 0,
        completed_on_time integer NOT NULL DEFAULT 0,
        completed_late integer NOT NULL DEFAULT 0,
        overdue integer NOT NULL DEFAULT 0,
        handed_back integer NOT NULL DEFAULT 0,
        reopened integer NOT NULL DEFAULT 0,
        satisfied integer NOT NULL DEFAULT 0,
        basically_satisfied integer NOT NULL DEFAULT 0,
        unsatisfied integer NOT NULL DEFAULT 0,
        closed integer NOT NULL DEFAULT 0,
        closed_first_time integer NOT NULL DEFAULT 0,
        close_minutes_total bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (dimension, key, day)
      )`);
    await q.query(`CREATE INDEX case_stat_daily_period_idx ON case_stat_daily (dimension, day)`);
    await q.query(`
      CREATE TABLE case_stat_assignment (
        case_id uuid NOT NULL,
        assigned_at timestamptz NOT NULL,
        owner_kind text,
        owner_department text,
        accept_due_at timestamptz,
        complete_due_at timestamptz,
        missed boolean NOT NULL DEFAULT false,
        ended_at timestamptz,
        PRIMARY KEY (case_id, assigned_at)
      )`);
    await q.query(`CREATE INDEX case_stat_assignment_ended_idx ON case_stat_assignment (ended_at) WHERE ended_at IS NOT NULL`);
    await q.query(`
      CREATE INDEX case_open_board_idx ON "case" (state) INCLUDE (area_path, accept_due_at, complete_due_at, flag)
        WHERE state NOT IN ('closed', 'merged', 'rejected')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX case_open_board_idx; DROP TABLE case_stat_assignment; DROP TABLE case_stat_daily`);
  }
}
