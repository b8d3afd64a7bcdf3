import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Keys of outside apps that post Open311 requests: only their SHA-256 hashes are kept; a revoked key stays for the record. */
export class CreateApiKeys1765100000500 implements MigrationInterface {
  name = 'CreateApiKeys1765100000500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_key (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        key_hash bytea NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid NOT NULL,
        revoked_at timestamptz,
        last_used_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api_key`);
  }
}
