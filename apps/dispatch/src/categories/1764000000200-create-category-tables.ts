import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Case categories with their time limits, and the working calendar the limits count in. */
export class CreateCategoryTables1764000000200 implements MigrationInterface {
  name = 'CreateCategoryTables1764000000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE category (
        code text COLLATE "C" PRIMARY KEY,
        parent_code text COLLATE "C" REFERENCES category (code),
        name text NOT NULL,
        responsible jsonb NOT NULL,
        accept_hours integer NOT NULL CHECK (accept_hours > 0),
        complete_hours integer NOT NULL CHECK (complete_hours > 0),
        hours_kind text NOT NULL CHECK (hours_kind IN ('working', 'calendar')),
        admission_item text,
        retired boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE calendar_day (
        date date PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
        name text
      )`);
    await q.query(`CREATE TABLE calendar_setting (id integer PRIMARY KEY CHECK (id = 1), working_periods jsonb NOT NULL)`);
    // The usual office hours of a Chinese government service until an admin sets others.
    await q.query(`INSERT INTO calendar_setting VALUES (1, '[{"start":"09:00","end":"12:00"},{"start":"13:30","end":"18:00"}]')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE calendar_setting, calendar_day, category`);
  }
}
