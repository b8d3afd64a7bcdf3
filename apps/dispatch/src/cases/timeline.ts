import type { EntityManager } from 'typeorm';
import type { TimelineEntry } from '@gridwork/contracts';
import type { TimelineLine } from './case.rows.js';

/**
 * Appends lines to case timelines in one statement, numbering each case's
 * lines after its last. Callers hold the case row locked (or created it in
 * this transaction), so numbers cannot collide.
 */
const rowOf = (line: TimelineLine) => ({
  case_id: line.caseId,
  at: line.at.toISOString(),
  actor_kind: line.actorKind,
  actor_id: line.actorId ?? null,
  actor_name: line.actorName ?? null,
  action: line.action,
  from_state: line.fromState ?? null,
  to_state: line.toState ?? null,
  reason: line.reason ?? null,
  data: line.data ?? null,
});

export async function appendTimeline(em: EntityManager, lines: TimelineLine[]): Promise<void> {
  if (lines.length === 0) return;
  await em.query(
    `WITH line AS (
       SELECT l.*, t.ord FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(item, ord),
         LATERAL jsonb_to_record(t.item) AS l(case_id uuid, at timestamptz, actor_kind text, actor_id text, actor_name text, action text,
                                            from_state text, to_state text, reason text, data jsonb)),
     last AS (SELECT case_id, max(seq) AS seq FROM case_timeline WHERE case_id IN (SELECT case_id FROM line) GROUP BY case_id)
     INSERT INTO case_timeline (case_id, seq, at, actor_kind, actor_id, actor_name, action, from_state, to_state, reason, data)
     SELECT line.case_id, COALESCE(last.seq, 0) + row_number() OVER (PARTITION BY line.case_id ORDER BY line.ord),
            line.at, line.actor_kind, line.actor_id, line.actor_name, line.action, line.from_state, line.to_state, line.reason, line.data
       FROM line LEFT JOIN last USING (case_id)`,
    [
      JSON.stringify(lines.map(rowOf)),
    ],
  );
}

/**
 * The first lines of new cases as one JSON recordset, numbered from 1 in the
 * order given: intake writes them in the statement that creates the cases
 * (see `FIRST_LINES_FROM`), without looking up last numbers.
 */
export function firstLinesJson(lines: TimelineLine[]): string {
  const next = new Map<string, number>();
  return JSON.stringify(
    lines.map((line) => {
      const seq = (next.get(line.caseId) ?? 0) + 1;
      next.set(line.caseId, seq);
      return { ...rowOf(line), seq };
    }),
  );
}

/** The columns of `case_timeline` and the recordset `firstLinesJson` makes, for `INSERT ... SELECT * FROM` it. */
export const TIMELINE_COLUMNS = 'case_id, seq, at, actor_kind, actor_id, actor_name, action, from_state, to_state, reason, data';
export const FIRST_LINES_FROM = (param: string) =>
  `jsonb_to_recordset(${param}::jsonb) AS l(case_id uuid, seq integer, at timestamptz, actor_kind text, actor_id text, actor_name text,
                                         action text, from_state text, to_state text, reason text, data jsonb)`;

interface TimelineRow {
  seq: number;
  at: Date;
  actor_kind: TimelineEntry['actorKind'];
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  from_state: TimelineEntry['fromState'] | null;
  to_state: TimelineEntry['toState'] | null;
  reason: string | null;
  data: Record<string, unknown> | null;
}

export async function readTimeline(em: EntityManager, caseId: string): Promise<TimelineEntry[]> {
  const rows = await em.query<TimelineRow[]>(`SELECT * FROM case_timeline WHERE case_id = $1 ORDER BY seq`, [caseId]);
  return rows.map((row) => {
    const entry: TimelineEntry = { seq: row.seq, at: row.at.toISOString(), actorKind: row.actor_kind, action: row.action };
    if (row.actor_id) entry.actorId = row.actor_id;
    if (row.actor_name) entry.actorName = row.actor_name;
    if (row.from_state) entry.fromState = row.from_state;
    if (row.to_state) entry.toState = row.to_state;
    if (row.reason) entry.reason = row.reason;
    if (row.data) entry.data = row.data;
    return entry;
  });
}
