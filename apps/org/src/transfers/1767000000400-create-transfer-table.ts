import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Relationship transfers (组织关系转接) and their history; at most one open per member. */
export class CreateTransferTable1767000000400 implements MigrationInterface {
  name = 'CreateTransferTable1767000000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE transfer (
        id uuid PRIMARY KEY,
        member_id uuid NOT NULL REFERENCES member (id),
        from_organization_id uuid NOT NULL REFERENCES organization (id),
        to_organization_id uuid NOT NULL REFERENCES organization (id),
        cross_district boolean NOT NULL,
        state text NOT NULL CHECK (state IN ('requested', 'accepted', 'refused', 'timed-out')),
        reason text NOT NULL,
        requested_by text NOT NULL,
        requested_at timestamptz NOT NULL DEFAULT now(),
        due_at timestamptz NOT NULL,
        settled_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX transfer_one_open_idx ON transfer (member_id) WHERE state = 'requested'`);
    await q.query(`CREATE INDEX transfer_member_idx ON transfer (member_id, requested_at)`);
    // The timeout timer's queue.
    await q.query(`CREATE INDEX transfer_due_idx ON transfer (due_at) WHERE state = 'requested'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE transfer`);
  }
}
