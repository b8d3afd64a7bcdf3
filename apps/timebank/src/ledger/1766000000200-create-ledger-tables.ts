import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ledger: accounts with their four sums, immutable transfers, the
 * entries (movements) each transfer makes on its two accounts, and the
 * reservations still open. The database itself refuses what must never
 * happen: a flagged account below zero, a reservation resolved twice, a
 * transfer or entry changed or removed.
 */
export class CreateLedgerTables1766000000200 implements MigrationInterface {
  name = 'CreateLedgerTables1766000000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE account (
        id uuid PRIMARY KEY,
        owner_kind text NOT NULL CHECK (owner_kind IN ('volunteer', 'community', 'team', 'shop')),
        owner_id text NOT NULL,
        area_code text COLLATE "C" NOT NULL,
        area_path text[] NOT NULL,
        currency text NOT NULL CHECK (currency IN ('time', 'points')),
        debits_must_not_exceed_credits boolean NOT NULL,
        debits_pending bigint NOT NULL DEFAULT 0 CHECK (debits_pending >= 0),
        debits_posted bigint NOT NULL DEFAULT 0 CHECK (debits_posted >= 0),
        credits_pending bigint NOT NULL DEFAULT 0 CHECK (credits_pending >= 0),
        credits_posted bigint NOT NULL DEFAULT 0 CHECK (credits_posted >= 0),
        digest text NOT NULL,
        opened_by text NOT NULL,
        opened_at timestamptz NOT NULL DEFAULT now(),
        -- One account per owner and currency, so "the volunteer's time account" is one row.
        CONSTRAINT account_owner_currency_key UNIQUE (owner_kind, owner_id, currency),
        -- The service checks this first to answer why; the constraint is the last word.
        CONSTRAINT account_debits_within_credits CHECK (NOT debits_must_not_exceed_credits OR debits_pending + debits_posted <= credits_posted)
      )`);
    await q.query(`CREATE INDEX account_area_path_idx ON account USING gin (area_path)`);

    await q.query(`
      CREATE TABLE transfer (
        id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('single', 'pending', 'post', 'void', 'expire')),
        debit_account_id uuid NOT NULL REFERENCES account (id),
        credit_account_id uuid NOT NULL REFERENCES account (id),
        amount bigint NOT NULL CHECK (amount > 0),
        currency text NOT NULL,
        code text NOT NULL CHECK (code IN ('service', 'withdrawal', 'gift', 'earning-rule', 'redemption', 'expiry', 'correction')),
        reference text NOT NULL,
        pending_id uuid REFERENCES transfer (id),
        corrects_id uuid REFERENCES transfer (id),
        timeout_at timestamptz,
        note text,
        digest text NOT NULL,
        actor_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (debit_account_id <> credit_account_id),
        CHECK ((kind IN ('post', 'void', 'expire')) = (pending_id IS NOT NULL)),
        CHECK ((code = 'correction') = (corrects_id IS NOT NULL))
      )`);
    // A reservation is resolved (posted, voided or expired) once, whatever races.
    await q.query(`CREATE UNIQUE INDEX transfer_resolves_once ON transfer (pending_id) WHERE pending_id IS NOT NULL`);
    await q.query(`CREATE INDEX transfer_debit_idx ON transfer (debit_account_id, id)`);
    await q.query(`CREATE INDEX transfer_credit_idx ON transfer (credit_account_id, id)`);
    await q.query(`CREATE INDEX transfer_corrects_idx ON transfer (corrects_id) WHERE corrects_id IS NOT NULL`);
    await q.query(`CREATE INDEX transfer_reference_idx ON transfer (reference)`);

    /*
     * The movements: each transfer adds to or takes from one of the four sums
     * of each of its two accounts (side × phase); amount is signed. A pending
     * transfer adds to both pending sums, its post takes them back and adds
     * to both posted sums, a void or expiry only takes them back. So every
     * account's four sums are sums of its entries, and per transfer, phase
     * and currency the debit side equals the credit side.
     */
    await q.query(`
      CREATE TABLE entry (
        account_id uuid NOT NULL REFERENCES account (id),
        transfer_id uuid NOT NULL REFERENCES transfer (id),
        side text NOT NULL CHECK (side IN ('debit', 'credit')),
        phase text NOT NULL CHECK (phase IN ('pending', 'posted')),
        amount bigint NOT NULL CHECK (amount <> 0),
        PRIMARY KEY (account_id, transfer_id, phase)
      )`);
    await q.query(`CREATE INDEX entry_transfer_idx ON entry (transfer_id)`);

    // Reservations not yet resolved; the row is the lock post, void and the timer take, and goes when one of them resolves it.
    await q.query(`
      CREATE TABLE open_pending (
        transfer_id uuid PRIMARY KEY REFERENCES transfer (id),
        timeout_at timestamptz
      )`);
    await q.query(`CREATE INDEX open_pending_timeout_idx ON open_pending (timeout_at) WHERE timeout_at IS NOT NULL`);

    // Transfers and entries are history: a mistake is corrected by a new transfer, never by changing one.
    await q.query(`
      CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the ledger''s % rows are immutable: correct with a reversing transfer', TG_TABLE_NAME;
      END $$`);
    await q.query(`CREATE TRIGGER transfer_immutable BEFORE UPDATE OR DELETE ON transfer FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`);
    await q.query(`CREATE TRIGGER entry_immutable BEFORE UPDATE OR DELETE ON entry FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE open_pending, entry, transfer, account`);
    await q.query(`DROP FUNCTION ledger_refuse_change()`);
  }
}
