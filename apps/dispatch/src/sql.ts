/**
 * `@gridwork/dispatch-service/sql`: the SQL text and column lists the
 * service runs, for the benchmarks and seeds that measure or fill its
 * tables, so they never keep a copy that drifts from the service.
 */
export { MEASURE_COLUMNS, boardTalliesSql, periodSumsSql, type MeasureColumn } from './assessment/assessment.sql.js';
/** The query dispatch's admission gate decides from (with `answerGate` of @gridwork/admission-rules): the parity test runs it against dispatch's copy. */
export { ADMISSION_GATE_FACTS_SQL } from './read-models/admission-lists/admission-lists.read-model.js';
