import type { EntityManager } from 'typeorm';
import { pageOf } from '@gridwork/persistence';

/**
 * A page of a table's rows, newest first by id (uuid v7, so by time), under
 * the filters given: each `where` holds one `?` for its value. The cursor is
 * the last id of the previous page.
 */
export class NewestFirst {
  private readonly conditions: string[] = [];
  private readonly params: unknown[] = [];

  constructor(private readonly table: string) {}

  where(condition: string, value: unknown): this {
    this.params.push(value);
    this.conditions.push(condition.replace('?', `$${this.params.length}`));
    return this;
  }

  async page<Row extends { id: string }, Item>(
    em: EntityManager,
    request: { after?: string; limit?: number },
    itemOf: (row: Row) => Item,
  ): Promise<{ items: Item[]; nextAfter?: string }> {
    if (request.after) this.where('id < ?', request.after);
    const limit = request.limit ?? 50;
    const rows = await em.query<Row[]>(
      `SELECT * FROM ${this.table} ${this.conditions.length ? `WHERE ${this.conditions.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${this.params.length + 1}`,
      [...this.params, limit + 1],
    );
    return pageOf(rows, limit, (row) => row.id, itemOf);
  }
}
