import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Attributes: the questions a report in a category answers (Open311's service attributes). */
export class AddCategoryAttributes1764000000920 implements MigrationInterface {
  name = 'AddCategoryAttributes1764000000920';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE category ADD COLUMN attributes jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE category DROP COLUMN attributes`);
  }
}
