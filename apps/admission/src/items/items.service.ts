import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ErrorCode,
  GridworkError,
  subjects,
  type DefineItemReply,
  type DefineItemRequest,
  type GetItemRequest,
  type Item,
  type ItemChange,
  type ItemPage,
  type ListItemsRequest,
  type WithdrawItemRequest,
} from '@gridwork/contracts';
import { publishInTransaction } from '@gridwork/messaging';
import { pageOf } from '@gridwork/persistence';
import { today } from '@gridwork/local-time';
import { listsHoldingAtLevels } from '../lists/list.rows.js';
import { ITEM_COLUMNS, itemByCode, itemOf, type ItemRow } from './item.rows.js';

const DEFAULT_PAGE = 100;

/** The item catalogue: sole writer of `item`. */
@Injectable()
export class ItemsService {
  constructor(private readonly dataSource: DataSource) {}

  async define(request: DefineItemRequest): Promise<DefineItemReply> {
    return this.dataSource.transaction(async (em) => {
      const [held] = await em.query<ItemRow[]>(`SELECT ${ITEM_COLUMNS} FROM item WHERE code = $1 FOR UPDATE`, [request.code]);
      if (held) await assertChangeable(em, held, request);
      const [row] = await em.query<ItemRow[]>(
        `INSERT INTO item (code, name, department, legal_basis, kind, grid_item_type, levels, description, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, department = EXCLUDED.department, legal_basis = EXCLUDED.legal_basis,
           kind = EXCLUDED.kind, grid_item_type = EXCLUDED.grid_item_type, levels = EXCLUDED.levels, description = EXCLUDED.description,
           updated_by = EXCLUDED.updated_by, updated_at = now()
         RETURNING ${ITEM_COLUMNS}`,
        [
          request.code,
          request.name,
          request.department,
          request.legalBasis,
          request.kind,
          request.gridItemType ?? null,
          [...request.levels].sort(),
          request.description ?? null,
          request.actor.id,
        ],
      );
      const item = itemOf(row!);
      await announce(em, held ? 'updated' : 'defined', item);
      return { item, created: !held };
    });
  }

  async get(request: GetItemRequest): Promise<Item> {
    return itemOf(await itemByCode(this.dataSource.manager, request.code));
  }

  async list(request: ListItemsRequest): Promise<ItemPage> {
    const limit = request.limit ?? DEFAULT_PAGE;
    const rows = await this.dataSource.query<ItemRow[]>(
      `SELECT ${ITEM_COLUMNS} FROM item
        WHERE ($1::text IS NULL OR department = $1) AND ($2::text IS NULL OR kind = $2)
          AND ($3 OR withdrawn_on IS NULL) AND ($4::text IS NULL OR code > $4)
        ORDER BY code LIMIT $5`,
      [request.department ?? null, request.kind ?? null, request.withdrawn ?? false, request.after ?? null, limit + 1],
    );
    return pageOf(rows, limit, (row) => row.code, itemOf);
  }

  async withdraw(request: WithdrawItemRequest): Promise<Item> {
    const on = request.on ?? today();
    if (on < today()) throw GridworkError.validation([{ field: 'on', messages: [`must be today (${today()}, China time) or later: the gate's past answers stand`] }]);
    return this.dataSource.transaction(async (em) => {
      const [held] = await em.query<ItemRow[]>(`SELECT ${ITEM_COLUMNS} FROM item WHERE code = $1 FOR UPDATE`, [request.code]);
      if (!held) throw GridworkError.notFound(`item ${request.code}`);
      if (held.withdrawn_on) throw new GridworkError(ErrorCode.CONFLICT, `item ${request.code} is already withdrawn from ${held.withdrawn_on}`);
      await em.query(`UPDATE item SET withdrawn_on = $2, withdrawal_reason = $3, updated_by = $4, updated_at = now() WHERE code = $1`, [
        request.code,
        on,
        request.reason,
        request.actor.id,
      ]);
      const item = itemOf(await itemByCode(em, request.code));
      await announce(em, 'withdrawn', item);
      return item;
    });
  }
}

/** A withdrawn item stays as it was; a level may be dropped only when no list of that level holds the item. */
async function assertChangeable(em: EntityManager, held: ItemRow, request: DefineItemRequest): Promise<void> {
  if (held.withdrawn_on) throw new GridworkError(ErrorCode.CONFLICT, `item ${held.code} was withdrawn from ${held.withdrawn_on} and can no longer be changed`);
  const dropped = held.levels.filter((level) => !request.levels.includes(level));
  if (dropped.length === 0) return;
  const holding = await listsHoldingAtLevels(em, held.code, dropped);
  if (holding.length > 0) {
    throw new GridworkError(
      ErrorCode.CONFLICT,
      `item ${held.code} cannot stop being carried out at the ${dropped.join(' and ')} level: ${holding.join('; ')} still admit it; take it off those lists first`,
      [{ field: 'levels', messages: [`still admitted by ${holding.join('; ')}`] }],
    );
  }
}

const announce = (em: EntityManager, change: ItemChange, item: Item) => publishInTransaction(em, subjects.admission.item.changed, { change, item });
