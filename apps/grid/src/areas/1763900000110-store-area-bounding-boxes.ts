import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Keeps each area's bounding box beside its boundary. Every answer about an
 * area carries its box, and working it out from a city's or district's
 * boundary on every "where is this?" meant reading thousands of vertices.
 */
export class StoreAreaBoundingBoxes1763900000110 implements MigrationInterface {
  name = 'StoreAreaBoundingBoxes1763900000110';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE area ADD COLUMN bbox double precision[] GENERATED ALWAYS AS (
        CASE WHEN boundary IS NULL THEN NULL ELSE ARRAY[ST_XMin(boundary), ST_YMin(boundary), ST_XMax(boundary), ST_YMax(boundary)] END
      ) STORED`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE area DROP COLUMN bbox`);
  }
}
