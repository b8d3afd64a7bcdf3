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
  return rows.map(entryOf);
}

export interface CaseTimelineRow extends TimelineRow {
  case_id: string;
  case_number: string;
  category_code: string;
  state: TimelineEntry['toState'] & string;
  /** Microseconds since 1970 of `at`, as text: the exact cursor (a JS Date keeps only milliseconds). */
  at_micros: string;
}

/**
 * A window of lines across cases, oldest first by (at, case, seq), with each
 * line's case and the state the case was in once the line was written.
 */
export async function readTimelineWindow(
  em: EntityManager,
  window: { from: string; to: string; stateChangesOnly: boolean; after?: { micros: string; caseId: string; seq: number }; limit: number },
): Promise<CaseTimelineRow[]> {
  const params: unknown[] = [window.from, window.to, window.limit];
  const conditions = ['t.at >= $1', 't.at < $2'];
  if (window.stateChangesOnly) conditions.push('t.to_state IS NOT NULL');
  if (window.after) {
    params.push(window.after.micros, window.after.caseId, window.after.seq);
    conditions.push(`(t.at, t.case_id, t.seq) > (timestamptz 'epoch' + $4::bigint * interval '1 microsecond', $5::uuid, $6::int)`);
  }
  return em.query<CaseTimelineRow[]>(
    `SELECT t.*, c.number AS case_number, c.category_code,
            (extract(epoch FROM t.at - timestamptz 'epoch') * 1000000)::bigint::text AS at_micros,
            (SELECT p.to_state FROM case_timeline p WHERE p.case_id = t.case_id AND p.seq <= t.seq AND p.to_state IS NOT NULL ORDER BY p.seq DESC LIMIT 1) AS state
       FROM case_timeline t JOIN "case" c ON c.id = t.case_id
      WHERE ${conditions.join(' AND ')}
      ORDER BY t.at, t.case_id, t.seq
      LIMIT $3`,
    params,
  );
}

export function entryOf(row: TimelineRow): TimelineEntry {
  const entry: TimelineEntry = { seq: row.seq, at: row.at.toISOString(), actorKind: row.actor_kind, action: row.action };
  if (row.actor_id) entry.actorId = row.actor_id;
  if (row.actor_name) entry.actorName = row.actor_name;
  if (row.from_state) entry.fromState = row.from_state;
  if (row.to_state) entry.toState = row.to_state;
  if (row.reason) entry.reason = row.reason;
  if (row.data) entry.data = row.data;
  return entry;
}
