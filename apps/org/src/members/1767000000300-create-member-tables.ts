import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Party members, their personal data encrypted (see personal-data.ts), and
 * the count of current members per organization, kept by a trigger so
 * subtree counts over a city's 30,000 organizations add up at most 30,000
 * rows instead of counting a million members.
 */
export class CreateMemberTables1767000000300 implements MigrationInterface {
  name = 'CreateMemberTables1767000000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`
      CREATE TABLE member (
        id uuid PRIMARY KEY,
        number text COLLATE "C" NOT NULL UNIQUE,
        name text NOT NULL,
        id_number_enc text NOT NULL,
        -- HMAC-SHA256 of the ID number: exact search without decrypting; one record per person.
        id_number_hash bytea NOT NULL UNIQUE,
        phone_enc text,
        organization_id uuid NOT NULL REFERENCES organization (id),
        status text NOT NULL CHECK (status IN ('probationary', 'full', 'left', 'deceased')),
        joined_on date NOT NULL,
        conversion_due_on date,
        probation_extended boolean NOT NULL DEFAULT false,
        -- The branch assembly's resolution to convert; a higher committee's approval then converts.
        conversion_resolved_on date,
        converted_on date,
        left_on date,
        leaving_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Covering: a name search within a subtree reads each organization's members' names and statuses from
    // the index alone (an index-only scan), not a heap page per member (a township holds thousands).
    await q.query(`CREATE INDEX member_organization_idx ON member (organization_id, id) INCLUDE (status, name)`);
    // Partial names, Chinese ones too (pg_trgm hashes multibyte trigrams).
    await q.query(`CREATE INDEX member_name_trgm_idx ON member USING gin (name gin_trgm_ops)`);
    await q.query(`
      CREATE TABLE member_count (
        organization_id uuid PRIMARY KEY REFERENCES organization (id),
        full_members int NOT NULL DEFAULT 0,
        probationary_members int NOT NULL DEFAULT 0
      )`);
    await q.query(`
      CREATE FUNCTION member_count_apply(org uuid, status text, delta int) RETURNS void LANGUAGE sql AS $$
        INSERT INTO member_count (organization_id, full_members, probationary_members)
        VALUES (org, CASE WHEN status = 'full' THEN delta ELSE 0 END, CASE WHEN status = 'probationary' THEN delta ELSE 0 END)
        ON CONFLICT (organization_id) DO UPDATE SET
          full_members = member_count.full_members + EXCLUDED.full_members,
          probationary_members = member_count.probationary_members + EXCLUDED.probationary_members
      $$`);
    await q.query(`
      CREATE FUNCTION member_count_track() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status IN ('full', 'probationary') THEN
          PERFORM member_count_apply(OLD.organization_id, OLD.status, -1);
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status IN ('full', 'probationary') THEN
          PERFORM member_count_apply(NEW.organization_id, NEW.status, 1);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER member_count_track AFTER INSERT OR DELETE OR UPDATE OF organization_id, status ON member
        FOR EACH ROW EXECUTE FUNCTION member_count_track()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE member_count`);
    await q.query(`DROP TABLE member`);
    await q.query(`DROP FUNCTION member_count_track(), member_count_apply(uuid, text, int)`);
  }
}
