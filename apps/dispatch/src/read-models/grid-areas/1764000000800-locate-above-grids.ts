import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Boundaries of the areas above grids (city, district, township, community)
 * are kept too, so a point inside the city but in no grid still finds the
 * deepest area around it and the case is counted in that area's figures.
 * Areas learnt before this migration get their boundary with their next
 * `grid.area.changed` (or a replay of grid's stream).
 */
export class LocateAboveGrids1764000000800 implements MigrationInterface {
  name = 'LocateAboveGrids1764000000800';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX known_area_above_grid_boundary_idx ON known_area USING gist (boundary) WHERE level <> 'grid' AND NOT retired`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX known_area_above_grid_boundary_idx`);
  }
}
