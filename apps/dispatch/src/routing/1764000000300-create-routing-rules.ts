import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRoutingRules1764000000300 implements MigrationInterface {
  name = 'CreateRoutingRules1764000000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE routing_rule (
        id uuid PRIMARY KEY,
        category_code text COLLATE "C" NOT NULL REFERENCES category (code),
        area_code text COLLATE "C",
        responsible jsonb NOT NULL,
        note text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE NULLS NOT DISTINCT (category_code, area_code)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE routing_rule`);
  }
}
