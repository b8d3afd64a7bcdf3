import type pg from 'pg';
import { QueryFailedError, type DataSource, type EntityManager } from 'typeorm';

/**
 * Runs a hot statement as a named prepared statement: PostgreSQL plans it once
 * per connection instead of on every call. `name` must be unique per `text`.
 * Inside a transaction pass its EntityManager; otherwise the DataSource (any
 * pooled connection). Errors come back as TypeORM's QueryFailedError, as from
 * `query`, and rows come back as rows (also for UPDATE … RETURNING).
 */
export async function preparedQuery<Row = Record<string, unknown>>(
  on: EntityManager | DataSource,
  name: string,
  text: string,
  values: unknown[],
): Promise<Row[]> {
  const client = 'queryRunner' in on && on.queryRunner ? ((await on.queryRunner.connect()) as pg.PoolClient) : undefined;
  const pool = client ?? ((('connection' in on ? on.connection : on) as DataSource).driver as unknown as { master: pg.Pool }).master;
  try {
    const result = await pool.query<Row & pg.QueryResultRow>({ name, text, values });
    return result.rows;
  } catch (error) {
    throw new QueryFailedError(text, values, error as Error);
  }
}
