import type { EntityManager } from 'typeorm';
import { ErrorCode, GridworkError } from '@gridwork/contracts';

/*
 * Grid look-ups for what is recorded per grid. Writes need an active grid
 * (an `area` row of level `grid`, not retired); reads also take a retired
 * grid, so what was recorded there can still be found.
 *
 * They live below grids/, not in it: grids calls networks when it reshapes
 * grids, so networks cannot import from grids/ back; base information and
 * patrols take the same look-ups.
 */

/**
 * SQL: the `area` row under `alias` is an active grid (level grid, not
 * retired). The partial GiST index area_active_grid_boundary_idx holds just
 * these rows, so a spatial search written with this condition can use it.
 */
export const isActiveGrid = (alias: string): string => `${alias}.level = 'grid' AND ${alias}.retired_at IS NULL`;

/**
 * The share lock keeps a split or merge from retiring the grid until the
 * caller's transaction ends. Answers when the grid was created, for what is
 * recorded as having happened there at a time.
 */
export async function lockActiveGrid(em: EntityManager, code: string): Promise<{ createdAt: Date }> {
  const [grid] = await em.query<{ retired_at: Date | null; created_at: Date }[]>(
    `SELECT a.retired_at, a.created_at FROM area a JOIN grid g ON g.code = a.code WHERE a.code = $1 AND a.level = 'grid' FOR SHARE OF a`,
    [code],
  );
  if (!grid) throw GridworkError.notFound(`grid ${code}`);
  if (grid.retired_at) {
    throw new GridworkError(ErrorCode.NOT_FOUND, `grid ${code} was retired at ${grid.retired_at.toISOString()}; use the grids that replaced it`);
  }
  return { createdAt: grid.created_at };
}

export async function assertGridExists(em: EntityManager, code: string): Promise<void> {
  const [grid] = await em.query(`SELECT 1 FROM area WHERE code = $1 AND level = 'grid'`, [code]);
  if (!grid) throw GridworkError.notFound(`grid ${code}`);
}
