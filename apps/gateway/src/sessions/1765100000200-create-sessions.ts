import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-ins. A session is one sign-in on one device; its refresh tokens
 * rotate (each is used once and replaced), and only their SHA-256 hashes are
 * kept. A refresh token used twice means it was copied: the session ends.
 */
export class CreateSessions1765100000200 implements MigrationInterface {
  name = 'CreateSessions1765100000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE session (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        ended_at timestamptz,
        end_reason text,
        address text,
        user_agent text
      )`);
    await q.query(`CREATE INDEX session_account_idx ON session (account_id) WHERE ended_at IS NULL`);
    await q.query(`
      CREATE TABLE refresh_token (
        token_hash bytea PRIMARY KEY,
        session_id uuid NOT NULL REFERENCES session (id) ON DELETE CASCADE,
        issued_at timestamptz NOT NULL DEFAULT now(),
        used_at timestamptz
      )`);
    await q.query(`CREATE INDEX refresh_token_session_idx ON refresh_token (session_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE refresh_token`);
    await q.query(`DROP TABLE session`);
  }
}
