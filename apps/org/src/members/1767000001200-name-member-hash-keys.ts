import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each member's ID-number hash names the hash key that made it, so the hash
 * key rotates as the encryption keys do (docs/org.md, Key rotation). Hashes
 * stored before were all made with the single ORG_PII_HASH_KEY, which goes
 * by `hash-0` (LEGACY_HASH_KEY_ID); there is no default afterwards, so every
 * writer says which key it used.
 */
export class NameMemberHashKeys1767000001200 implements MigrationInterface {
  name = 'NameMemberHashKeys1767000001200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE member ADD COLUMN id_number_hash_key text NOT NULL DEFAULT 'hash-0'`);
    await q.query(`ALTER TABLE member ALTER COLUMN id_number_hash_key DROP DEFAULT`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE member DROP COLUMN id_number_hash_key`);
  }
}
