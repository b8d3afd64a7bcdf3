import type { EntityManager } from 'typeorm';
import { AREA_STAT_DIMENSIONS, type CaseOwner, type StatDimension } from '@gridwork/contracts';

/*
 * The daily rollups: counters per dimension, key and local day, added to
 * with `INSERT ... ON CONFLICT DO UPDATE SET x = x + EXCLUDED.x`.
 */

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
export type Deltas = Partial<Record<MeasureColumn, number>>;

export interface StatTarget {
  dimension: StatDimension;
  key: string;
}

const OFFSET_MS = 8 * 3600_000;

/** The Asia/Shanghai local day of an instant (`2026-11-23`); China keeps no daylight saving. */
export const localDay = (at: Date | string): string => new Date(new Date(at).getTime() + OFFSET_MS).toISOString().slice(0, 10);

/** The department row a fact goes to: the owning department, when a department owns the case. */
export const departmentTargets = (owner: Pick<CaseOwner, 'kind' | 'department'> | undefined | null): StatTarget[] =>
  owner?.kind === 'department' && owner.department ? [{ dimension: 'department', key: owner.department }] : [];

export const departmentTargetsOf = (ownerKind: string | null | undefined, department: string | null | undefined): StatTarget[] =>
  departmentTargets(ownerKind === 'department' ? { kind: 'department', department: department ?? undefined } : undefined);

/** The area rows a fact goes to: each area of the case's path [city, district, township, community, grid]. */
export const areaTargets = (path: readonly string[] | null | undefined): StatTarget[] =>
  (path ?? []).slice(0, AREA_STAT_DIMENSIONS.length).map((key, i) => ({ dimension: AREA_STAT_DIMENSIONS[i]!, key }));

/** Adds `deltas` to each target's row of `day`, creating rows as needed. */
export async function bump(em: EntityManager, day: string, targets: StatTarget[], deltas: Deltas): Promise<void> {
  const columns = MEASURE_COLUMNS.filter((column) => (deltas[column] ?? 0) !== 0);
  // One row per target, in key order, so concurrent writers lock rows in the same order.
  const unique = [...new Map(targets.map((t) => [`${t.dimension}\u0000${t.key}`, t])).values()].sort((a, b) =>
    a.dimension === b.dimension ? (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : a.dimension < b.dimension ? -1 : 1,
  );
  if (columns.length === 0 || unique.length === 0) return;
  await em.query(
    `INSERT INTO case_stat_daily (dimension, key, day, ${columns.join(', ')})
     SELECT t.dimension, t.key, $3::date, ${columns.map((_, i) => `$${i + 4}::bigint`).join(', ')}
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(dimension, key, i) ORDER BY t.i
     ON CONFLICT (dimension, key, day) DO UPDATE
       SET ${columns.map((c) => `${c} = case_stat_daily.${c} + EXCLUDED.${c}`).join(', ')}, updated_at = now()`,
    [unique.map((t) => t.dimension), unique.map((t) => t.key), day, ...columns.map((c) => deltas[c])],
  );
}
