import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The record of every write through the gateway: who (the account, or the
 * username a sign-in tried), what (method, route, the ids in the path), when,
 * from where, and how it ended (the HTTP status). Never rewritten.
 */
export class CreateAuditRecord1765100000300 implements MigrationInterface {
  name = 'CreateAuditRecord1765100000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_record (
        id uuid PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        account_id uuid,
        username text,
        method text NOT NULL,
        route text NOT NULL,
        path text NOT NULL,
        target jsonb NOT NULL DEFAULT '{}',
        status int NOT NULL,
        address text,
        user_agent text
      )`);
    await q.query(`CREATE INDEX audit_record_at_idx ON audit_record (at DESC, id DESC)`);
    await q.query(`CREATE INDEX audit_record_account_idx ON audit_record (account_id, at DESC)`);
    await q.query(`
      CREATE FUNCTION audit_record_is_kept() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the audit record is never rewritten'; END $$`);
    await q.query(`CREATE TRIGGER audit_record_kept BEFORE UPDATE OR DELETE ON audit_record FOR EACH ROW EXECUTE FUNCTION audit_record_is_kept()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_record`);
    await q.query(`DROP FUNCTION audit_record_is_kept()`);
  }
}
