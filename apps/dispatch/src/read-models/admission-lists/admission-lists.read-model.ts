import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { subjects, type AdmissionItemChanged, type AdmissionLevel } from '@gridwork/contracts';
import { OnEvent, type EventContext } from '@gridwork/messaging';

/**
 * Admission gating (事项准入): a department may push a case down to a
 * community or grid only for an item admitted at that level. Fed by the
 * admission service's events; until it has published, nothing is admitted
 * and the refusal says so.
 */
@Injectable()
export class AdmissionListsReadModel {
  @OnEvent(subjects.admission.item.changed)
  async onItemChanged(item: AdmissionItemChanged, { em }: EventContext): Promise<void> {
    await em.query(
      `INSERT INTO admitted_item (code, name, admitted_levels, list_version, effective_from) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, admitted_levels = EXCLUDED.admitted_levels,
         list_version = EXCLUDED.list_version, effective_from = EXCLUDED.effective_from, updated_at = now()`,
      [item.code, item.name, item.admittedLevels, item.listVersion, item.effectiveFrom],
    );
  }

  /** Why each (item, level) may not be pushed down, or null when it may. */
  async refusals(em: EntityManager, asks: { item: string | null; level: AdmissionLevel }[], now: Date): Promise<(string | null)[]> {
    if (asks.length === 0) return [];
    const items = [...new Set(asks.map((ask) => ask.item).filter((item): item is string => item !== null))];
    const rows = await em.query<{ code: string; admitted_levels: string[]; effective_from: Date; list_version: string }[]>(
      `SELECT code, admitted_levels, effective_from, list_version FROM admitted_item WHERE code = ANY ($1)`,
      [items],
    );
    const known = new Map(rows.map((row) => [row.code, row]));
    let total: number | undefined;
    const out: (string | null)[] = [];
    for (const { item, level } of asks) {
      if (item === null) {
        out.push(`the category is not linked to an admission item, so it cannot be pushed down to the ${level} level`);
        continue;
      }
      const row = known.get(item);
      if (!row) {
        total ??= (await em.query(`SELECT count(*)::int AS n FROM admitted_item`))[0].n as number;
        const note = total === 0 ? 'no admission list has been received from the admission service yet' : `it is on none of the ${total} items received`;
        out.push(`item ${item} is not admitted at the ${level} level: ${note}`);
      } else if (!row.admitted_levels.includes(level) || row.effective_from > now) {
        out.push(`item ${item} is not admitted at the ${level} level (list ${row.list_version}${row.effective_from > now ? `, effective from ${row.effective_from.toISOString()}` : ''})`);
      } else {
        out.push(null);
      }
    }
    return out;
  }
}
