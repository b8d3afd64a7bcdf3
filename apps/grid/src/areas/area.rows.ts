import type { EntityManager } from 'typeorm';
import { ErrorCode, GridworkError, type Area, type AreaLevel, type AreaSummary, type Boundary } from '@gridwork/contracts';
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

/** The active area `code` that must be the parent of a new `level`, or why not. */
export async function activeParent(em: EntityManager, code: string, expectedLevel: string, childLevel: string, field = 'parentCode'): Promise<AreaRow> {
  const [parent] = await em.query<AreaRow[]>(`SELECT ${areaColumns()} FROM area a WHERE code = $1`, [code]);
  if (!parent) throw GridworkError.notFound(`parent area ${code}`);
  if (parent.retired_at) throw new GridworkError(ErrorCode.CONFLICT, `parent area ${code} is retired`);
  if (parent.level !== expectedLevel) {
    throw GridworkError.validation([{ field, messages: [`${code} is a ${parent.level}; a ${childLevel}'s parent must be a ${expectedLevel}`] }]);
  }
  return parent;
}

/** Rows of stored codes in the order of `wanted`: an INSERT … SELECT with a join does not promise to return them in it. */
export function inInputOrder<T extends { code: string }>(rows: T[], wanted: { code: string }[]): T[] {
  const position = new Map(wanted.map((item, i) => [item.code, i]));
  return [...rows].sort((a, b) => position.get(a.code)! - position.get(b.code)!);
}
