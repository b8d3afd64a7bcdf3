import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Reviewers appointed per area. A removed one stays, so decisions keep naming them. */
export class CreateReviewerTable1765000000400 implements MigrationInterface {
  name = 'CreateReviewerTable1765000000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE reviewer (
        id text PRIMARY KEY,
        name text NOT NULL,
        area_code text COLLATE "C" NOT NULL,
        appointed_at timestamptz NOT NULL DEFAULT now(),
        appointed_by text NOT NULL,
        removed_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reviewer`);
  }
}
