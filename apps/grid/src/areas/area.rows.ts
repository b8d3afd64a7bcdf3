import type { Area, AreaLevel, AreaSummary, Boundary } from '@gridwork/contracts';
import { roundBbox } from '../spatial/boundaries.js';

/** An `area` row as the summary queries below return it. */
export interface AreaRow {
  code: string;
  name: string;
  level: AreaLevel;
  parent_code: string | null;
  path: string[];
  retired_at: Date | null;
  bbox: number[] | null;
  boundary?: string | null;
}

/** The columns of an area summary; `withBoundary` adds the GeoJSON geometry. */
export const areaColumns = (alias = 'a', withBoundary = false): string =>
  [
    `${alias}.code`,
    `${alias}.name`,
    `${alias}.level`,
    `${alias}.parent_code`,
    `${alias}.path`,
    `${alias}.retired_at`,
    `${alias}.bbox`,
    ...(withBoundary ? [`ST_AsGeoJSON(${alias}.boundary, 7) AS boundary`] : []),
  ].join(', ');

export function toAreaSummary(row: AreaRow): AreaSummary {
  const summary: AreaSummary = { code: row.code, name: row.name, level: row.level, path: row.path };
  if (row.parent_code) summary.parentCode = row.parent_code;
  const bbox = roundBbox(row.bbox);
  if (bbox) summary.bbox = bbox;
  if (row.retired_at) summary.retiredAt = row.retired_at.toISOString();
  return summary;
}

export function toArea(row: AreaRow): Area {
  const area: Area = toAreaSummary(row);
  if (row.boundary) area.boundary = JSON.parse(row.boundary) as Boundary;
  return area;
}
