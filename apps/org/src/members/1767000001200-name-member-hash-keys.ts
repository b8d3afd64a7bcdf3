import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each member's ID-number hash names the hash key that made it, so the hash
 * key rotates as the encryption keys do (docs/org.md, Key rotation). Hashes
 * stored before were all made with the single ORG_PII_HASH_KEY, which goes
 * by `hash-0` (LEGACY_HASH_KEY_ID). The default stays `hash-0` for the
 * replicas of the version before, still running during the rolling upgrade
 * to this one: they hash under that single key and do not name it. This
 * version always names the key it used.
 */
export class NameMemberHashKeys1767000001200 implements MigrationInterface {
  name = 'NameMemberHashKeys1767000001200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE member ADD COLUMN id_number_hash_key text NOT NULL DEFAULT 'hash-0'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE member DROP COLUMN id_number_hash_key`);
  }
}
