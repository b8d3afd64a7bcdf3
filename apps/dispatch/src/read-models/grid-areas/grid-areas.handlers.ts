import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { subjects, type AreaChanged, type AreaSummary, type GridChanged } from '@gridwork/contracts';
import { GridworkClient } from '@gridwork/client';
import { NATS_CONNECTION, OnEvent, type EventContext } from '@gridwork/messaging';

/**
 * Keeps `known_area` in step with the grid service. Events carry bounding
 * boxes only, so a new or changed area's boundary is fetched from the grid
 * service; if it does not answer, the event is retried with backoff.
 */
@Injectable()
export class GridAreasHandlers {
  private readonly grid: GridworkClient;

  constructor(@Inject(NATS_CONNECTION) nc: NatsConnection) {
    this.grid = new GridworkClient(nc, { timeoutMs: 10_000 });
  }

  @OnEvent(subjects.grid.area.changed)
  async onAreaChanged({ area }: AreaChanged, { em }: EventContext): Promise<void> {
    // An area with a bounding box has a boundary: a point in no grid is placed by it (see locateReports).
    const current = area.bbox ? await this.grid.request(subjects.grid.area.get, { code: area.code, withBoundary: true }) : undefined;
    await upsert(em, area, current?.boundary ? JSON.stringify(current.boundary) : null);
  }

  @OnEvent(subjects.grid.grid.changed)
  async onGridChanged({ change, grid }: GridChanged, { em }: EventContext): Promise<void> {
    const area: AreaSummary = { code: grid.code, name: grid.name, level: 'grid', parentCode: grid.communityCode, path: grid.path, bbox: grid.bbox };
    if (change === 'retired') {
      await upsert(em, { ...area, retiredAt: grid.retiredAt ?? new Date().toISOString() }, null);
      return;
    }
    const current = await this.grid.request(subjects.grid.grid.get, { code: grid.code, withBoundary: true });
    await upsert(em, { ...area, ...(current.retiredAt ? { retiredAt: current.retiredAt } : {}) }, current.boundary ? JSON.stringify(current.boundary) : null);
  }
}

async function upsert(em: EventContext['em'], area: AreaSummary, boundary: string | null): Promise<void> {
  await em.query(
    `INSERT INTO known_area (code, name, level, parent_code, path, boundary, retired)
     VALUES ($1, $2, $3, $4, $5, CASE WHEN $6::text IS NULL THEN NULL ELSE ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($6::text), 4326)) END, $7)
     ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, level = EXCLUDED.level, parent_code = EXCLUDED.parent_code, path = EXCLUDED.path,
       boundary = COALESCE(EXCLUDED.boundary, known_area.boundary), retired = EXCLUDED.retired, updated_at = now()`,
    [area.code, area.name, area.level, area.parentCode ?? null, area.path, boundary, area.retiredAt !== undefined],
  );
}
