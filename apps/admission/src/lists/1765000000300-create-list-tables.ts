import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lists, their versions and entries. A version with no effective day is the
 * list's draft (one at most); published versions never change, so the gate
 * reads them without locks and a publish, one UPDATE, is seen whole or not at all.
 */
export class CreateListTables1765000000300 implements MigrationInterface {
  name = 'CreateListTables1765000000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE list (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        area_code text COLLATE "C" NOT NULL,
        kind text NOT NULL CHECK (kind IN ('admitted', 'negative')),
        level text CHECK ((kind = 'negative') = (level IS NULL)),
        UNIQUE NULLS NOT DISTINCT (area_code, kind, level)
      )`);
    await q.query(`
      CREATE TABLE list_version (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        list_id bigint NOT NULL REFERENCES list (id),
        number int NOT NULL,
        -- China-time day it comes into force; null while it is the draft.
        effective_on date,
        revision int NOT NULL DEFAULT 1,
        edited_by text NOT NULL,
        edited_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        published_by text,
        UNIQUE (list_id, number)
      )`);
    await q.query(`CREATE UNIQUE INDEX list_version_one_draft_idx ON list_version (list_id) WHERE effective_on IS NULL`);
    // The gate's lookup: a list's version in force on a day.
    await q.query(`CREATE INDEX list_version_in_force_idx ON list_version (list_id, effective_on DESC, number DESC) WHERE effective_on IS NOT NULL`);
    await q.query(`
      CREATE TABLE list_entry (
        version_id bigint NOT NULL REFERENCES list_version (id) ON DELETE CASCADE,
        item_code text COLLATE "C" NOT NULL,
        admitted boolean NOT NULL,
        note text,
        PRIMARY KEY (version_id, item_code)
      )`);
    await q.query(`CREATE INDEX list_entry_item_idx ON list_entry (item_code)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE list_entry`);
    await q.query(`DROP TABLE list_version`);
    await q.query(`DROP TABLE list`);
  }
}
