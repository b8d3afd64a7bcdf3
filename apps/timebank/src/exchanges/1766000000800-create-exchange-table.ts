import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Services asked for and given between volunteers, paid in minutes through the ledger. */
export class CreateExchangeTable1766000000800 implements MigrationInterface {
  name = 'CreateExchangeTable1766000000800';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE exchange (
        id uuid PRIMARY KEY,
        requester_id uuid NOT NULL REFERENCES volunteer (id),
        provider_id uuid REFERENCES volunteer (id),
        description text NOT NULL,
        minutes integer NOT NULL CHECK (minutes > 0),
        state text NOT NULL CHECK (state IN ('open', 'matched', 'completed', 'cancelled')),
        reservation_id uuid UNIQUE REFERENCES transfer (id),
        paid_minutes integer,
        resolved_by uuid,
        digest text NOT NULL,
        requested_by text NOT NULL,
        requested_at timestamptz NOT NULL DEFAULT now(),
        CHECK (provider_id IS DISTINCT FROM requester_id),
        CHECK ((state = 'open') = (reservation_id IS NULL) OR state = 'cancelled')
      )`);
    await q.query(`CREATE INDEX exchange_open_idx ON exchange (requested_at) WHERE state = 'open'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE exchange`);
  }
}
