import type { EntityManager } from 'typeorm';
import { compact } from '@gridwork/persistence';
import { today } from '@gridwork/local-time';
import { GridworkError, type AdmissionLevel, type ListEntry, type ListKey, type ListKind, type ListVersion, type ListVersionSummary } from '@gridwork/contracts';
import type { KnownArea } from '@gridwork/area-read-model';

export interface ListRow {
  id: string;
  area_code: string;
  kind: ListKind;
  level: AdmissionLevel | null;
}

export interface VersionRow {
  id: string;
  number: number;
  effective_on: string | null;
  revision: number;
  published_at: Date | null;
  published_by: string | null;
  entry_count: number;
}

export interface EntryRow {
  item_code: string;
  item_name: string;
  admitted: boolean;
  note: string | null;
}

export const VERSION_COLUMNS = `v.id, v.number, to_char(v.effective_on, 'YYYY-MM-DD') AS effective_on, v.revision, v.published_at, v.published_by,
  (SELECT count(*)::int FROM list_entry e WHERE e.version_id = v.id) AS entry_count`;

/** The list a key names, when it exists. */
export async function findList(em: EntityManager, key: ListKey, lock = false): Promise<ListRow | undefined> {
  const [row] = await em.query<ListRow[]>(
    `SELECT id, area_code, kind, level FROM list WHERE area_code = $1 AND kind = $2 AND level IS NOT DISTINCT FROM $3 ${lock ? 'FOR UPDATE' : ''}`,
    [key.areaCode, key.kind, key.level ?? null],
  );
  return row;
}

export async function entriesOf(em: EntityManager, versionId: string): Promise<EntryRow[]> {
  return em.query<EntryRow[]>(
    `SELECT e.item_code, i.name AS item_name, e.admitted, e.note FROM list_entry e JOIN item i ON i.code = e.item_code
      WHERE e.version_id = $1 ORDER BY e.item_code`,
    [versionId],
  );
}

export const entryOf = (row: EntryRow): ListEntry => compact({ itemCode: row.item_code, itemName: row.item_name, admitted: row.admitted, note: row.note ?? undefined });

export function summaryOf(list: ListRow, version: VersionRow): ListVersionSummary {
  return compact({
    areaCode: list.area_code,
    kind: list.kind,
    level: list.level ?? undefined,
    number: version.number,
    state: version.effective_on === null ? ('draft' as const) : ('published' as const),
    revision: version.revision,
    effectiveOn: version.effective_on ?? undefined,
    publishedAt: version.published_at?.toISOString(),
    publishedBy: version.published_by ?? undefined,
    entryCount: version.entry_count,
  });
}

export async function versionOf(em: EntityManager, list: ListRow, version: VersionRow): Promise<ListVersion> {
  return { ...summaryOf(list, version), entries: (await entriesOf(em, version.id)).map(entryOf) };
}

export const describeList = (list: Pick<ListRow, 'area_code' | 'kind' | 'level'>) =>
  list.kind === 'negative' ? `the negative list of ${list.area_code}` : `the ${list.level} list of ${list.area_code}`;

/**
 * Admitted lists of `levels` that admit the item in their draft, their
 * version in force today or a later one: an item may not stop being carried
 * out at a level while they do.
 */
export async function listsHoldingAtLevels(em: EntityManager, itemCode: string, levels: AdmissionLevel[]): Promise<string[]> {
  const rows = await em.query<(ListRow & { number: number; effective_on: string | null })[]>(
    `SELECT l.area_code, l.kind, l.level, v.number, to_char(v.effective_on, 'YYYY-MM-DD') AS effective_on
       FROM list l JOIN list_version v ON v.list_id = l.id JOIN list_entry e ON e.version_id = v.id AND e.item_code = $1 AND e.admitted
      WHERE l.kind = 'admitted' AND l.level = ANY ($2)
        AND (v.effective_on IS NULL OR v.effective_on > $3::date
             OR v.id = (SELECT w.id FROM list_version w WHERE w.list_id = l.id AND w.effective_on <= $3::date
                         ORDER BY w.effective_on DESC, w.number DESC LIMIT 1))
      ORDER BY l.area_code, l.level, v.number`,
    [itemCode, levels, today()],
  );
  return rows.map((row) => `${describeList(row)} (${row.effective_on === null ? `draft ${row.number}` : `version ${row.number}`})`);
}

/** Area levels a community-level list or application can belong to: a grid is below any community. */
const ABOVE_GRID = new Set(['city', 'district', 'township', 'community']);

/** Refuses a community-level list or application for a grid (a grid has no communities below it). */
export function assertLevelFitsArea(level: AdmissionLevel, area: KnownArea): void {
  if (level === 'community' && !ABOVE_GRID.has(area.level)) {
    throw GridworkError.validation([{ field: 'areaCode', messages: [`${area.code} is a ${area.level}: the community level belongs to a community or an area above one`] }]);
  }
}
