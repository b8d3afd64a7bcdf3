import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createKnownAreaTable } from '@gridwork/area-read-model';

/** The org service's copy of the grid service's area tree: every organization is placed at one of its areas. */
export class CreateAreaReadModel1767000000100 implements MigrationInterface {
  name = 'CreateAreaReadModel1767000000100';

  async up(q: QueryRunner): Promise<void> {
    await createKnownAreaTable(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE known_area`);
  }
}
