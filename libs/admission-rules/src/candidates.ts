import type { AdmissionLevel } from '@gridwork/contracts';
import { decideAdmission, type CandidateVersion, type GateFacts, type GateQuestion } from './decide.js';

/**
 * Where a service keeps its copy of what the gate reads. The tables have the
 * same columns in the admission service (which owns the lists) and in
 * dispatch (which keeps them from admission's events):
 * - areas: code, path text[] (city first), retired boolean;
 * - items: code, name, levels text[], withdrawn_on date;
 * - lists: id, area_code, kind ('admitted' | 'negative'), level (null for negative);
 * - versions: id, list_id, number, effective_on date (null while a draft);
 * - entries: version_id, item_code, admitted boolean.
 */
export interface GateTables {
  areas: string;
  items: string;
  lists: string;
  versions: string;
  entries: string;
}

/** Where the questions come from: arrays for a batch, one row of scalars for a single question (see `gateFactSql`). */
const BATCH_SOURCE = `unnest($1::text[], $2::text[], $3::text[], $4::date[]) WITH ORDINALITY AS a(item_code, level, area_code, day, i)`;
const ONE_SOURCE = `(SELECT $1::text AS item_code, $2::text AS level, $3::text AS area_code, $4::date AS day, 1 AS i) AS a`;

/**
 * One query for a batch of questions ($1 item codes, $2 levels, $3 area
 * codes, $4 days, in order): per question, the area's path, the item and the
 * candidate versions `decideAdmission` needs, as one row in the order asked.
 */
export function gateFactsSql(t: GateTables): string {
  return factsSql(t, BATCH_SOURCE);
}

/**
 * The same query for one question, with scalar parameters ($1 item code, $2
 * level, $3 area code, $4 day): the form to prepare for the hot path. As a
 * prepared statement, PostgreSQL plans the batch form afresh on every call
 * (about 0.4 ms, twice the execution): its generic plan must assume ten
 * rows from `unnest` of arrays it cannot see, so it always looks costlier
 * than a plan for the one row actually sent. With scalars, the generic plan
 * costs what a custom one does, so after five calls it is planned no more.
 */
export function gateFactSql(t: GateTables): string {
  return factsSql(t, ONE_SOURCE);
}

function factsSql(t: GateTables, source: string): string {
  return `SELECT a.i::int AS i, ar.path, it.name AS item_name, it.levels AS item_levels,
       to_char(it.withdrawn_on, 'YYYY-MM-DD') AS item_withdrawn_on, coalesce(c.versions, '[]'::json) AS versions
  FROM ${source}
  LEFT JOIN ${t.areas} ar ON ar.code = a.area_code AND NOT ar.retired
  LEFT JOIN ${t.items} it ON it.code = a.item_code
  LEFT JOIN LATERAL (
    SELECT json_agg(json_build_object('areaCode', l.area_code, 'kind', l.kind, 'level', l.level, 'number', v.number,
             'effectiveOn', to_char(v.effective_on, 'YYYY-MM-DD'), 'entry', e.admitted)) AS versions
      FROM ${t.lists} l
      JOIN ${t.versions} v ON v.list_id = l.id
      LEFT JOIN ${t.entries} e ON e.version_id = v.id AND e.item_code = a.item_code
     WHERE l.area_code = ANY (ar.path) AND (l.kind = 'negative' OR l.level = a.level)
       AND (v.effective_on > a.day
            OR v.id = (SELECT w.id FROM ${t.versions} w WHERE w.list_id = l.id AND w.effective_on <= a.day
                        ORDER BY w.effective_on DESC, w.number DESC LIMIT 1))
  ) c ON true
 ORDER BY a.i`;
}

/** The parameters of `gateFactsSql` for a batch of questions. */
export const gateFactsParameters = (questions: GateQuestion[]): unknown[] => [
  questions.map((q) => q.itemCode),
  questions.map((q) => q.level),
  questions.map((q) => q.areaCode),
  questions.map((q) => q.on),
];

/** The parameters of `gateFactSql` for one question. */
export const gateFactParameters = (question: GateQuestion): unknown[] => [question.itemCode, question.level, question.areaCode, question.on];

export interface GateFactsRow {
  i: number;
  path: string[] | null;
  item_name: string | null;
  item_levels: AdmissionLevel[] | null;
  item_withdrawn_on: string | null;
  versions: CandidateVersion[];
}

export function gateFactsOf(row: GateFactsRow): GateFacts {
  return {
    path: row.path,
    item: row.item_name === null ? null : { name: row.item_name, levels: row.item_levels ?? [], withdrawnOn: row.item_withdrawn_on },
    versions: row.versions,
  };
}

/** Runs `gateFactsSql` through `query` and decides each question: the whole gate, for any service's tables. */
export async function answerGate(
  query: (sql: string, parameters: unknown[]) => Promise<GateFactsRow[]>,
  sql: string,
  questions: GateQuestion[],
) {
  if (questions.length === 0) return [];
  const rows = await query(sql, gateFactsParameters(questions));
  return rows.map((row) => decideAdmission(questions[row.i - 1]!, gateFactsOf(row)));
}

/** `gateFactSql` through `query` for one question, decided: the gate's hot path. */
export async function answerGateQuestion(
  query: (sql: string, parameters: unknown[]) => Promise<GateFactsRow[]>,
  sql: string,
  question: GateQuestion,
) {
  const [row] = await query(sql, gateFactParameters(question));
  return decideAdmission(question, gateFactsOf(row!));
}
