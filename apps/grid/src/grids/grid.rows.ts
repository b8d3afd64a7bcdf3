import type { Boundary, Grid, GridSummary } from '@gridwork/contracts';
import { areaColumns, type AreaRow } from '../areas/area.rows.js';
import { roundBbox } from '../spatial/boundaries.js';

/** A grid's `area` row joined with its `grid` row. */
export interface GridRow extends AreaRow {
  community_code: string;
  population: number;
  households: number;
  branch_org_id: string | null;
  area_square_metres: number;
}

/** Columns of `area a JOIN grid g`. */
export const gridColumns = (withBoundary = false): string =>
  `${areaColumns('a', withBoundary)}, g.community_code, g.population, g.households, g.branch_org_id, g.area_square_metres`;

export function gridSummaryOf(row: GridRow): GridSummary {
  const summary: GridSummary = {
    code: row.code,
    name: row.name,
    communityCode: row.community_code,
    path: row.path,
    population: row.population,
    households: row.households,
    bbox: roundBbox(row.bbox)!,
    areaSquareMetres: Math.round(row.area_square_metres * 100) / 100,
  };
  if (row.branch_org_id) summary.branchOrgId = row.branch_org_id;
  if (row.retired_at) summary.retiredAt = row.retired_at.toISOString();
  return summary;
}

export function gridOf(row: GridRow): Grid {
  const grid: Grid = gridSummaryOf(row);
  if (row.boundary) grid.boundary = JSON.parse(row.boundary) as Boundary;
  return grid;
}
