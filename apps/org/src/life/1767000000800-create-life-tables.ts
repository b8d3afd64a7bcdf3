import type { MigrationInterface, QueryRunner } from 'typeorm';

const TYPES = ['village', 'community', 'agency', 'state-enterprise', 'non-public-enterprise', 'social-organization', 'new-employment'];

/**
 * Meetings of organization life and the required frequencies, seeded with
 * the usual rule of 三会一课 for every type: a branch holds a member assembly
 * and a party lesson each quarter, a committee meeting and a theme party day
 * each month, heart-to-heart talks once a year; a group meets each month.
 */
export class CreateLifeTables1767000000800 implements MigrationInterface {
  name = 'CreateLifeTables1767000000800';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE meeting (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organization (id),
        kind text NOT NULL,
        held_on date NOT NULL,
        topic text NOT NULL,
        attendee_ids uuid[] NOT NULL,
        recorded_by text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX meeting_organization_idx ON meeting (organization_id, held_on)`);
    await q.query(`
      CREATE TABLE life_requirement (
        organization_type text NOT NULL,
        organization_kind text NOT NULL,
        meeting_kind text NOT NULL,
        times int NOT NULL CHECK (times > 0),
        per text NOT NULL CHECK (per IN ('month', 'quarter', 'year')),
        PRIMARY KEY (organization_type, organization_kind, meeting_kind)
      )`);
    const rules: [string, string, number, string][] = [
      ['branch', 'member-assembly', 1, 'quarter'],
      ['branch', 'committee-meeting', 1, 'month'],
      ['branch', 'party-lesson', 1, 'quarter'],
      ['branch', 'theme-day', 1, 'month'],
      ['branch', 'heart-talk', 1, 'year'],
      ['group', 'group-meeting', 1, 'month'],
    ];
    for (const type of TYPES) {
      for (const [kind, meeting, times, per] of rules) {
        await q.query(`INSERT INTO life_requirement VALUES ($1, $2, $3, $4, $5)`, [type, kind, meeting, times, per]);
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE life_requirement`);
    await q.query(`DROP TABLE meeting`);
  }
}
