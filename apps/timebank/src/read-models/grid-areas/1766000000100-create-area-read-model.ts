import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createKnownAreaTable } from '@gridwork/area-read-model';

/** The timebank service's copy of the grid service's area tree: accounts, volunteers and activities belong to areas, and an actor's scope is checked up their paths. */
export class CreateAreaReadModel1766000000100 implements MigrationInterface {
  name = 'CreateAreaReadModel1766000000100';

  async up(q: QueryRunner): Promise<void> {
    await createKnownAreaTable(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE known_area`);
  }
}
