import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Dispatch's copy of the grid service's worker assignments: who a grid-level case goes to. */
export class CreateGridWorkerReadModel1764000000150 implements MigrationInterface {
  name = 'CreateGridWorkerReadModel1764000000150';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE known_grid_worker (
        assignment_id uuid PRIMARY KEY,
        grid_code text COLLATE "C" NOT NULL,
        worker_id uuid NOT NULL,
        worker_name text NOT NULL,
        employment text NOT NULL,
        role text NOT NULL,
        started_on date NOT NULL,
        ended_on date
      )`);
    await q.query(`CREATE INDEX known_grid_worker_grid_idx ON known_grid_worker (grid_code)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE known_grid_worker`);
  }
}
