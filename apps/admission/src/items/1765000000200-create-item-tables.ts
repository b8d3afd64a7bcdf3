import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The item catalogue. */
export class CreateItemTables1765000000200 implements MigrationInterface {
  name = 'CreateItemTables1765000000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE item (
        code text COLLATE "C" PRIMARY KEY,
        name text NOT NULL,
        department text NOT NULL,
        legal_basis text NOT NULL,
        kind text NOT NULL,
        grid_item_type text,
        levels text[] NOT NULL,
        description text,
        -- China-time day from which no list admits it.
        withdrawn_on date,
        withdrawal_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by text NOT NULL
      )`);
    await q.query(`CREATE INDEX item_department_idx ON item (department, code)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE item`);
  }
}
