import type { StatGrouping } from '@gridwork/contracts';

/*
 * The statements of assessment and the live board that the benchmarks run
 * under EXPLAIN and the seed fills tables for: exported through
 * `@gridwork/dispatch-service/sql`, so they measure the service's own SQL,
 * never a copy of it.
 */

/** The counters of `case_stat_daily`, in the table's order (what each counts: libs/contracts/src/dispatch/assessment.ts). */
export const MEASURE_COLUMNS = [
  'received',
  'accepted_on_time',
  'accepted_late',
  'completed_on_time',
  'completed_late',
  'overdue',
  'handed_back',
  'reopened',
  'satisfied',
  'basically_satisfied',
  'unsatisfied',
  'closed',
  'closed_first_time',
  'close_minutes_total',
] as const;
export type MeasureColumn = (typeof MEASURE_COLUMNS)[number];

/** The sums of every measure column, as text (bigint sums exceed what `pg` turns into numbers). */
export const MEASURE_SUMS = MEASURE_COLUMNS.map((c) => `sum(${c})::text AS ${c}`).join(', ');

const PERIOD: Record<StatGrouping, string> = { day: `to_char(day, 'YYYY-MM-DD')`, month: `to_char(day, 'YYYY-MM')`, total: `''` };

/**
 * One key's sums over a period, a row per day, per month or for the whole
 * period (`period` is '' then): $1 the dimension, $2 the key, $3 and $4 the
 * first and last day.
 */
export const periodSumsSql = (groupBy: StatGrouping): string =>
  `SELECT ${PERIOD[groupBy]} AS period, ${MEASURE_SUMS}
     FROM case_stat_daily
    WHERE dimension = $1 AND key = $2 AND day BETWEEN $3::date AND $4::date
    GROUP BY 1`;

/**
 * The live board's tallies of the open cases, per child area (the path's
 * position $1) and state, with $2 as now; `inArea` keeps the cases whose
 * path has the area $4 at position $3. The open-state predicate is the one
 * of the partial index `case_open_board_idx` (see BoardService).
 */
export const boardTalliesSql = (inArea: boolean): string =>
  `SELECT area_path[$1::int] AS child, state, count(*)::int AS n,
          count(*) FILTER (WHERE state IN ('assigned', 'reopened') AND accept_due_at < $2)::int AS accept_overdue,
          count(*) FILTER (WHERE state IN ('assigned', 'reopened', 'in-progress') AND complete_due_at < $2)::int AS complete_overdue,
          count(*) FILTER (WHERE (state IN ('assigned', 'reopened') AND accept_due_at < $2)
                              OR (state IN ('assigned', 'reopened', 'in-progress') AND complete_due_at < $2))::int AS overdue,
          count(*) FILTER (WHERE flag = 'yellow')::int AS yellow,
          count(*) FILTER (WHERE flag = 'red')::int AS red
     FROM "case"
    WHERE state NOT IN ('closed', 'merged', 'rejected')${inArea ? ` AND area_path[$3::int] = $4` : ''}
    GROUP BY 1, 2`;
