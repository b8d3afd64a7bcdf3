/**
 * `@gridwork/admission-service/sql`: the SQL text the service runs, for the
 * benchmarks that measure it, so they never keep a copy that drifts from the
 * service.
 */
export { ADMISSION_GATE_FACTS_SQL, ADMISSION_GATE_FACT_SQL } from './gate/gate.sql.js';
