import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which person at an outside OpenID Connect issuer is which account here: an
 * admin links an account to the issuer and the subject the issuer names the
 * person by. A subject is unique only within its issuer, so both are the key;
 * one account may have several (a person with two identities at the issuer).
 */
export class CreateOidcLinks1765100000600 implements MigrationInterface {
  name = 'CreateOidcLinks1765100000600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE oidc_link (
        issuer text NOT NULL,
        subject text NOT NULL,
        account_id uuid NOT NULL REFERENCES account (id) ON DELETE CASCADE,
        linked_at timestamptz NOT NULL DEFAULT now(),
        linked_by uuid NOT NULL,
        last_sign_in_at timestamptz,
        PRIMARY KEY (issuer, subject)
      )`);
    await q.query(`CREATE INDEX oidc_link_account_idx ON oidc_link (account_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE oidc_link`);
  }
}
