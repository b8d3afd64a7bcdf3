import type { EntityManager } from 'typeorm';
import { AREA_STAT_DIMENSIONS, type CaseOwner, type StatDimension } from '@gridwork/contracts';
import type { EventContext } from '@gridwork/messaging';
import { MEASURE_COLUMNS, type MeasureColumn } from './assessment.sql.js';

/*
 * The daily rollups: counters per dimension, key and local day, added to
 * with `INSERT ... ON CONFLICT DO UPDATE SET x = x + EXCLUDED.x`.
 */

export type Deltas = Partial<Record<MeasureColumn, number>>;

export interface StatTarget {
  dimension: StatDimension;
  key: string;
}


/** The department row a fact goes to: the owning department, when a department owns the case. */
export const departmentTargets = (owner: Pick<CaseOwner, 'kind' | 'department'> | undefined | null): StatTarget[] =>
  owner?.kind === 'department' && owner.department ? [{ dimension: 'department', key: owner.department }] : [];

export const departmentTargetsOf = (ownerKind: string | null | undefined, department: string | null | undefined): StatTarget[] =>
  departmentTargets(ownerKind === 'department' ? { kind: 'department', department: department ?? undefined } : undefined);

/** The area rows a fact goes to: each area of the case's path [city, district, township, community, grid]. */
export const areaTargets = (path: readonly string[] | null | undefined): StatTarget[] =>
  (path ?? []).slice(0, AREA_STAT_DIMENSIONS.length).map((key, i) => ({ dimension: AREA_STAT_DIMENSIONS[i]!, key }));

/** Counters to add, per target row and day, summed over a batch of events. */
class RollupBatch {
  private readonly rows = new Map<string, { dimension: StatDimension; key: string; day: string; deltas: Deltas }>();

  add(day: string, targets: StatTarget[], deltas: Deltas): void {
    for (const target of targets) {
      const id = `${target.dimension}\u0000${target.key}\u0000${day}`;
      let row = this.rows.get(id);
      if (!row) this.rows.set(id, (row = { ...target, day, deltas: {} }));
      for (const column of MEASURE_COLUMNS) {
        const delta = deltas[column];
        if (delta) row.deltas[column] = (row.deltas[column] ?? 0) + delta;
      }
    }
  }

  /** One statement for the batch; rows in key order, so concurrent writers lock them in the same order. */
  async write(em: EntityManager): Promise<void> {
    const rows = [...this.rows.values()].filter((row) => MEASURE_COLUMNS.some((c) => row.deltas[c]));
    if (rows.length === 0) return;
    rows.sort((a, b) => compare(a.dimension, b.dimension) || compare(a.key, b.key) || compare(a.day, b.day));
    await em.query(
      `INSERT INTO case_stat_daily (dimension, key, day, ${MEASURE_COLUMNS.join(', ')})
       SELECT t.dimension, t.key, t.day, ${MEASURE_COLUMNS.map((c) => `t.${c}`).join(', ')}
         FROM unnest($1::text[], $2::text[], $3::date[], ${MEASURE_COLUMNS.map((_, i) => `$${i + 4}::bigint[]`).join(', ')})
              WITH ORDINALITY AS t(dimension, key, day, ${MEASURE_COLUMNS.join(', ')}, i)
        ORDER BY t.i
       ON CONFLICT (dimension, key, day) DO UPDATE
         SET ${MEASURE_COLUMNS.map((c) => `${c} = case_stat_daily.${c} + EXCLUDED.${c}`).join(', ')}, updated_at = now()`,
      [rows.map((r) => r.dimension), rows.map((r) => r.key), rows.map((r) => r.day), ...MEASURE_COLUMNS.map((c) => rows.map((r) => r.deltas[c] ?? 0))],
    );
  }
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const ROLLUP = {};

/**
 * Adds `deltas` to each target's row of `day`. The sums of a whole batch of
 * events are written once, just before the batch's transaction commits.
 */
export function bump(context: Pick<EventContext, 'batched'>, day: string, targets: StatTarget[], deltas: Deltas): void {
  context.batched(ROLLUP, () => new RollupBatch(), (batch, em) => batch.write(em)).add(day, targets, deltas);
}
