import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createKnownAreaTable } from '@gridwork/area-read-model';

/** The admission service's copy of the grid service's area tree: lists and applications name areas, and the gate walks up their paths. */
export class CreateAreaReadModel1765000000100 implements MigrationInterface {
  name = 'CreateAreaReadModel1765000000100';

  async up(q: QueryRunner): Promise<void> {
    await createKnownAreaTable(q, { pathIndex: true });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE known_area`);
  }
}
