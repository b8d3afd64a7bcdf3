import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A case keeps its report's answers to its category's attributes, as checked at intake. */
export class AddCaseAttributes1764000000930 implements MigrationInterface {
  name = 'AddCaseAttributes1764000000930';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "case" ADD COLUMN attributes jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "case" DROP COLUMN attributes`);
  }
}
