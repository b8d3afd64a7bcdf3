import { gateFactSql, gateFactsSql, type GateTables } from '@gridwork/admission-rules';

/** Where the admission service keeps what the gate reads. */
const TABLES: GateTables = { areas: 'known_area', items: 'item', lists: 'list', versions: 'list_version', entries: 'list_entry' };

/** The query the gate decides a batch from (with `answerGate` of @gridwork/admission-rules). */
export const ADMISSION_GATE_FACTS_SQL = gateFactsSql(TABLES);

/** The same for one question (with `answerGateQuestion`): what `gate.check` runs. */
export const ADMISSION_GATE_FACT_SQL = gateFactSql(TABLES);
