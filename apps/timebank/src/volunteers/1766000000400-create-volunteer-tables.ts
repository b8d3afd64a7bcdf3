import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Volunteers with their ledger accounts, service brands, teams and their members. */
export class CreateVolunteerTables1766000000400 implements MigrationInterface {
  name = 'CreateVolunteerTables1766000000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE volunteer (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        home_community_code text COLLATE "C" NOT NULL,
        home_path text[] NOT NULL,
        skills text[] NOT NULL DEFAULT '{}',
        availability text[] NOT NULL DEFAULT '{}',
        party_member_id text,
        time_account_id uuid NOT NULL UNIQUE REFERENCES account (id),
        points_account_id uuid NOT NULL UNIQUE REFERENCES account (id),
        registered_by text NOT NULL,
        registered_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX volunteer_home_path_idx ON volunteer USING gin (home_path)`);
    await q.query(`CREATE INDEX volunteer_skills_idx ON volunteer USING gin (skills)`);
    await q.query(`CREATE INDEX volunteer_party_member_idx ON volunteer (party_member_id) WHERE party_member_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE brand (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        area_code text COLLATE "C" NOT NULL,
        description text,
        defined_by text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE team (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        community_code text COLLATE "C" NOT NULL,
        community_path text[] NOT NULL,
        brand_id uuid REFERENCES brand (id),
        defined_by text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX team_brand_idx ON team (brand_id) WHERE brand_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE team_member (
        team_id uuid NOT NULL REFERENCES team (id),
        volunteer_id uuid NOT NULL REFERENCES volunteer (id),
        role text NOT NULL CHECK (role IN ('leader', 'member')),
        joined_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (team_id, volunteer_id)
      )`);
    await q.query(`CREATE INDEX team_member_volunteer_idx ON team_member (volunteer_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE team_member, team, brand, volunteer`);
  }
}
