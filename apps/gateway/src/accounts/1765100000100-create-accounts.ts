import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * People's accounts at the gateway: a username, an argon2id hash of the
 * password (never the password), the grants (role and scope) and the
 * lock-out counters.
 */
export class CreateAccounts1765100000100 implements MigrationInterface {
  name = 'CreateAccounts1765100000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE account (
        id uuid PRIMARY KEY,
        username text NOT NULL,
        display_name text NOT NULL,
        password_hash text NOT NULL,
        grants jsonb NOT NULL DEFAULT '[]',
        failed_sign_ins int NOT NULL DEFAULT 0,
        locked_until timestamptz,
        disabled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Usernames are unique whatever their case: "Li.Ming" and "li.ming" are one person.
    await q.query(`CREATE UNIQUE INDEX account_username_idx ON account (lower(username))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE account`);
  }
}
