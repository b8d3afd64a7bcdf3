import type { EntityManager } from 'typeorm';
import { GridworkError, type Boundary, type BoundingBox } from '@gridwork/contracts';

/*
 * PostGIS pieces shared by areas, grids and networks. Boundaries are stored as
 * MultiPolygon in WGS-84 (SRID 4326); areas in square metres are measured on
 * the spheroid (geography), not in degrees.
 */

/** SQL turning GeoJSON parameter `$n` into a stored boundary. */
export const boundaryFromGeoJson = (parameter: string): string => `ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(${parameter}), 4326))`;

/** SQL for the [west, south, east, north] of a boundary column, or NULL. */
export const bboxOf = (column: string): string =>
  `CASE WHEN ${column} IS NULL THEN NULL ELSE ARRAY[ST_XMin(${column}), ST_YMin(${column}), ST_XMax(${column}), ST_YMax(${column})] END`;

/** SQL for a point parameter pair. */
export const pointOf = (longitude: string, latitude: string): string => `ST_SetSRID(ST_MakePoint(${longitude}, ${latitude}), 4326)`;

/** Largest `ST_GeomFromGeoJSON` batch sent in one query when checking an import. */
const CHECK_BATCH = 2_000;

/**
 * For each boundary (already structurally sound, see `boundaryProblems`), why
 * PostGIS finds it invalid (self-intersection, ring crossing, ...), or null.
 */
export async function topologyProblems(em: EntityManager, boundaries: Boundary[]): Promise<(string | null)[]> {
  const out: (string | null)[] = [];
  for (let start = 0; start < boundaries.length; start += CHECK_BATCH) {
    const chunk = boundaries.slice(start, start + CHECK_BATCH);
    const rows: { reason: string }[] = await em.query(
      `SELECT ST_IsValidReason(ST_GeomFromGeoJSON(g)) AS reason
         FROM unnest($1::text[]) WITH ORDINALITY AS b(g, i) ORDER BY i`,
      [chunk.map((boundary) => JSON.stringify(boundary))],
    );
    for (const { reason } of rows) out.push(reason === 'Valid Geometry' ? null : reason);
  }
  return out;
}

/** Refuses a boundary PostGIS finds invalid, naming the request field. */
export async function assertValidBoundary(em: EntityManager, boundary: Boundary, field: string): Promise<void> {
  const [problem] = await topologyProblems(em, [boundary]);
  if (problem) throw GridworkError.validation([{ field, messages: [`${field} is not a valid polygon: ${problem}`] }]);
}

export const roundBbox = (bbox: number[] | null): BoundingBox | undefined =>
  bbox ? (bbox.map((n) => Math.round(n * 1e7) / 1e7) as BoundingBox) : undefined;
