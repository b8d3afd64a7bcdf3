/**
 * `@gridwork/dispatch-service/sql`: the SQL text and column lists the
 * service runs, for the benchmarks and seeds that measure or fill its
 * tables, so they never keep a copy that drifts from the service.
 */
export { MEASURE_COLUMNS, boardTalliesSql, periodSumsSql, type MeasureColumn } from './assessment/assessment.sql.js';
