import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  GridworkError,
  subjects,
  type Category,
  type CategoryList,
  type DefineCategoryRequest,
  type GetCategoryRequest,
  type ListCategoriesRequest,
} from '@gridwork/contracts';
import { publishInTransaction } from '@gridwork/messaging';
import { preparedQuery } from '@gridwork/persistence';
import { ShortLived } from '../common/short-lived.js';
import type { CategoryRow } from './category.rows.js';
import { assertAttributes } from './attributes.js';
import { assertResponsibility } from './responsibility.js';

function categoryOf(row: CategoryRow): Category {
  return {
    code: row.code,
    ...(row.parent_code ? { parentCode: row.parent_code } : {}),
    name: row.name,
    responsible: row.responsible,
    acceptHours: row.accept_hours,
    completeHours: row.complete_hours,
    hoursKind: row.hours_kind,
    ...(row.admission_item ? { admissionItem: row.admission_item } : {}),
    retired: row.retired,
    ...(row.attributes.length ? { attributes: row.attributes } : {}),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The category tree: `environment.garbage` sits under `environment`. */
@Injectable()
export class CategoriesService {
  /** Every category by code, for intake (a few hundred rows). */
  private readonly all = new ShortLived<Map<string, CategoryRow>>();

  constructor(private readonly dataSource: DataSource) {}

  async define(request: DefineCategoryRequest): Promise<Category> {
    const responsible = assertResponsibility(request.responsible, 'responsible');
    const attributes = assertAttributes(request.attributes ?? []);
    const parentCode = request.code.includes('.') ? request.code.slice(0, request.code.lastIndexOf('.')) : null;
    const defined = await this.dataSource.transaction(async (em) => {
      if (parentCode) {
        const [parent] = await em.query(`SELECT 1 FROM category WHERE code = $1`, [parentCode]);
        if (!parent) throw GridworkError.notFound(`parent category ${parentCode}`);
      }
      const [row] = await em.query<CategoryRow[]>(
        `INSERT INTO category (code, parent_code, name, responsible, accept_hours, complete_hours, hours_kind, admission_item, retired, attributes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, responsible = EXCLUDED.responsible, accept_hours = EXCLUDED.accept_hours,
           complete_hours = EXCLUDED.complete_hours, hours_kind = EXCLUDED.hours_kind, admission_item = EXCLUDED.admission_item,
           retired = EXCLUDED.retired, attributes = EXCLUDED.attributes, updated_at = now()
         RETURNING *`,
        [
          request.code,
          parentCode,
          request.name,
          JSON.stringify(responsible),
          request.acceptHours,
          request.completeHours,
          request.hoursKind,
          request.admissionItem ?? null,
          request.retired ?? false,
          JSON.stringify(attributes),
        ],
      );
      const category = categoryOf(row!);
      await publishInTransaction(em, subjects.dispatch.category.changed, category);
      return category;
    });
    this.all.drop();
    return defined;
  }

  async get(request: GetCategoryRequest): Promise<Category> {
    const [row] = await this.dataSource.query<CategoryRow[]>(`SELECT * FROM category WHERE code = $1`, [request.code]);
    if (!row) throw GridworkError.notFound(`category ${request.code}`);
    return categoryOf(row);
  }

  async list(request: ListCategoriesRequest): Promise<CategoryList> {
    const rows = await this.dataSource.query<CategoryRow[]>(
      `SELECT * FROM category WHERE ($1::text IS NULL OR code = $1 OR code LIKE $1 || '.%') AND ($2 OR NOT retired) ORDER BY code`,
      [request.under ?? null, request.includeRetired ?? false],
    );
    return { items: rows.map(categoryOf) };
  }

  /** Categories by code, as they are now. */
  async byCodes(em: EntityManager, codes: string[]): Promise<Map<string, CategoryRow>> {
    const rows = await preparedQuery<CategoryRow>(em, 'categories-by-code', `SELECT * FROM category WHERE code = ANY ($1)`, [[...new Set(codes)]]);
    return new Map(rows.map((row) => [row.code, row]));
  }

  /** Categories by code as intake needs them: read at most every few seconds (see `ShortLived`). */
  async cachedByCodes(em: EntityManager, codes: string[]): Promise<Map<string, CategoryRow>> {
    const all = await this.all.get(async () => new Map((await em.query<CategoryRow[]>(`SELECT * FROM category`)).map((row) => [row.code, row])));
    return new Map(codes.flatMap((code) => (all.has(code) ? [[code, all.get(code)!] as const] : [])));
  }
}
