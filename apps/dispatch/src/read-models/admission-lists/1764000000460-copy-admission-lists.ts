import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dispatch's copy of the admission service's lists, replacing the city-wide
 * `admitted_item` of version 1 of `admission.item.changed`: the catalogue's
 * items and every published version of every list with its entries, so the
 * gate here decides by area and day exactly as the admission service does
 * (@gridwork/admission-rules reads these tables).
 */
export class CopyAdmissionLists1764000000460 implements MigrationInterface {
  name = 'CopyAdmissionLists1764000000460';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE admitted_item`);
    await q.query(`
      CREATE TABLE admission_item (
        code text COLLATE "C" PRIMARY KEY,
        name text NOT NULL,
        levels text[] NOT NULL,
        withdrawn_on date,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE admission_list (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        area_code text COLLATE "C" NOT NULL,
        kind text NOT NULL,
        level text,
        UNIQUE NULLS NOT DISTINCT (area_code, kind, level)
      )`);
    await q.query(`
      CREATE TABLE admission_list_version (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        list_id bigint NOT NULL REFERENCES admission_list (id),
        number int NOT NULL,
        effective_on date NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (list_id, number)
      )`);
    await q.query(`CREATE INDEX admission_list_version_in_force_idx ON admission_list_version (list_id, effective_on DESC, number DESC)`);
    await q.query(`
      CREATE TABLE admission_list_entry (
        version_id bigint NOT NULL REFERENCES admission_list_version (id),
        item_code text COLLATE "C" NOT NULL,
        admitted boolean NOT NULL,
        PRIMARY KEY (version_id, item_code)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE admission_list_entry`);
    await q.query(`DROP TABLE admission_list_version`);
    await q.query(`DROP TABLE admission_list`);
    await q.query(`DROP TABLE admission_item`);
    await q.query(`
      CREATE TABLE admitted_item (
        code text PRIMARY KEY,
        name text NOT NULL,
        admitted_levels text[] NOT NULL,
        list_version text NOT NULL,
        effective_from timestamptz NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }
}
