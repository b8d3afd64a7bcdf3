import type { EntityManager } from 'typeorm';
import { GridworkError, type AdmissionLevel, type GridItemType, type Item, type ItemKind } from '@gridwork/contracts';
import { compact } from '@gridwork/persistence';

export interface ItemRow {
  code: string;
  name: string;
  department: string;
  legal_basis: string;
  kind: ItemKind;
  grid_item_type: GridItemType | null;
  levels: AdmissionLevel[];
  description: string | null;
  withdrawn_on: string | null;
  withdrawal_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

export const ITEM_COLUMNS = `code, name, department, legal_basis, kind, grid_item_type, levels, description,
  to_char(withdrawn_on, 'YYYY-MM-DD') AS withdrawn_on, withdrawal_reason, created_at, updated_at`;

export function itemOf(row: ItemRow): Item {
  return compact({
    code: row.code,
    name: row.name,
    department: row.department,
    legalBasis: row.legal_basis,
    kind: row.kind,
    gridItemType: row.grid_item_type ?? undefined,
    levels: row.levels,
    description: row.description ?? undefined,
    withdrawnOn: row.withdrawn_on ?? undefined,
    withdrawalReason: row.withdrawal_reason ?? undefined,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  });
}

/** Items by code, for the parts of the service that name items (lists, applications). */
export async function itemsByCode(em: EntityManager, codes: string[], lock = false): Promise<Map<string, ItemRow>> {
  const rows = await em.query<ItemRow[]>(
    `SELECT ${ITEM_COLUMNS} FROM item WHERE code = ANY ($1) ORDER BY code ${lock ? 'FOR SHARE' : ''}`,
    [[...new Set(codes)]],
  );
  return new Map(rows.map((row) => [row.code, row]));
}

export async function itemByCode(em: EntityManager, code: string): Promise<ItemRow> {
  const row = (await itemsByCode(em, [code])).get(code);
  if (!row) throw GridworkError.notFound(`item ${code}`);
  return row;
}
