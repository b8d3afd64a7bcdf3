import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Service activities and their sign-ups; a sign-up's deposit transfer is unique, so verified hours are deposited once. */
export class CreateActivityTables1766000000500 implements MigrationInterface {
  name = 'CreateActivityTables1766000000500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE activity (
        id uuid PRIMARY KEY,
        title text NOT NULL,
        organizer_kind text NOT NULL CHECK (organizer_kind IN ('community', 'team', 'organization')),
        organizer_id text NOT NULL,
        community_code text COLLATE "C" NOT NULL,
        community_path text[] NOT NULL,
        place text NOT NULL,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL CHECK (ends_at > starts_at),
        places integer NOT NULL CHECK (places > 0),
        skills text[] NOT NULL DEFAULT '{}',
        digest text NOT NULL,
        posted_by text NOT NULL,
        posted_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX activity_community_path_idx ON activity USING gin (community_path)`);
    // The waiting list's order: a sign-up takes the next number each time it joins.
    await q.query(`CREATE SEQUENCE signup_order`);
    await q.query(`
      CREATE TABLE signup (
        activity_id uuid NOT NULL REFERENCES activity (id),
        volunteer_id uuid NOT NULL REFERENCES volunteer (id),
        state text NOT NULL CHECK (state IN ('signed-up', 'waiting', 'cancelled', 'checked-in', 'checked-out', 'verified', 'no-show')),
        queue bigint NOT NULL DEFAULT nextval('signup_order'),
        signed_up_at timestamptz NOT NULL DEFAULT now(),
        checked_in_at timestamptz,
        checked_out_at timestamptz,
        minutes integer CHECK (minutes > 0),
        transfer_id uuid UNIQUE REFERENCES transfer (id),
        verify_digest text,
        verified_by text,
        verified_at timestamptz,
        PRIMARY KEY (activity_id, volunteer_id),
        CHECK ((state = 'verified') = (transfer_id IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX signup_waiting_idx ON signup (activity_id, queue) WHERE state = 'waiting'`);
    await q.query(`CREATE INDEX signup_volunteer_idx ON signup (volunteer_id) WHERE state = 'verified'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE signup, activity`);
    await q.query(`DROP SEQUENCE signup_order`);
  }
}
