import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each applicant's ID-number hash names the hash key that made it, so the hash
 * key rotates as members' do (docs/org.md, Key rotation). Hashes
 * stored before were all made with the single ORG_PII_HASH_KEY, which goes
 * by `hash-0` (LEGACY_HASH_KEY_ID); there is no default afterwards, so every
 * writer says which key it used.
 */
export class NameApplicantHashKeys1767000001210 implements MigrationInterface {
  name = 'NameApplicantHashKeys1767000001210';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE applicant ADD COLUMN id_number_hash_key text NOT NULL DEFAULT 'hash-0'`);
    await q.query(`ALTER TABLE applicant ALTER COLUMN id_number_hash_key DROP DEFAULT`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE applicant DROP COLUMN id_number_hash_key`);
  }
}
