import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ErrorCode, GridworkError, liesWithin, subjects, type AreaChanged, type AreaSummary, type GridChanged } from '@gridwork/contracts';
import { OnEvent, type EventContext } from '@gridwork/messaging';

export interface KnownArea {
  code: string;
  name: string;
  level: string;
  path: string[];
}

/**
 * Keeps a service's `known_area` in step with the grid service's areas and
 * grids, and answers what the service asks of them: an area that is current,
 * the areas below one, and whether an area lies inside the caller's areas.
 * Admission, org and timebank keep the same copy (dispatch keeps its own, with
 * the boundaries it locates reports in).
 */
@Injectable()
export class GridAreasReadModel {
  @OnEvent(subjects.grid.area.changed)
  async onAreaChanged({ area }: AreaChanged, { em }: EventContext): Promise<void> {
    await upsert(em, area);
  }

  @OnEvent(subjects.grid.grid.changed)
  async onGridChanged({ change, grid }: GridChanged, { em }: EventContext): Promise<void> {
    const retiredAt = change === 'retired' ? (grid.retiredAt ?? new Date().toISOString()) : grid.retiredAt;
    await upsert(em, { code: grid.code, name: grid.name, level: 'grid', parentCode: grid.communityCode, path: grid.path, bbox: grid.bbox, ...(retiredAt ? { retiredAt } : {}) });
  }

  /** A current (not retired) area, or NOT_FOUND naming the field that gave it. */
  async current(em: EntityManager, code: string): Promise<KnownArea> {
    const [area] = await em.query<KnownArea[]>(`SELECT code, name, level, path FROM known_area WHERE code = $1 AND NOT retired`, [code]);
    if (!area) throw GridworkError.notFound(`area ${code} (as received from the grid service)`);
    return area;
  }

  /**
   * The caller's scope, kept by the service itself: FORBIDDEN unless the area
   * `code` lies inside one of `within` (the areas the person acts within,
   * which the gateway sets). Without `within` (the platform's own callers)
   * nothing is checked.
   */
  async assertWithin(em: EntityManager, within: readonly string[] | undefined, code: string, what: string): Promise<void> {
    if (!within) return;
    const area = await this.current(em, code);
    if (!liesWithin(area.path, within)) {
      throw new GridworkError(ErrorCode.FORBIDDEN, `the caller acts within ${within.join(', ')}: ${what} ${code} lies outside them`);
    }
  }

  /** The areas directly below `code`, current ones. */
  async children(em: EntityManager, code: string): Promise<KnownArea[]> {
    return em.query<KnownArea[]>(`SELECT code, name, level, path FROM known_area WHERE parent_code = $1 AND NOT retired ORDER BY code`, [code]);
  }
}

async function upsert(em: EntityManager, area: AreaSummary): Promise<void> {
  await em.query(
    `INSERT INTO known_area (code, name, level, parent_code, path, retired) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, level = EXCLUDED.level, parent_code = EXCLUDED.parent_code,
       path = EXCLUDED.path, retired = EXCLUDED.retired, updated_at = now()`,
    [area.code, area.name, area.level, area.parentCode ?? null, area.path, area.retiredAt !== undefined],
  );
}
