import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The channel on which a commit that wrote outbox rows wakes the relays. */
export const OUTBOX_NOTIFY_CHANNEL = 'gov_outbox';

/**
 * Every statement that inserts into the outbox notifies the relays, delivered
 * on commit. A trigger instead of a `pg_notify` beside each insert, so that a
 * service may write its records and their events in one statement of its own
 * (see `outboxInsert` in the messaging library) and still wake the relays.
 */
export class NotifyOutboxRelays1732300000100 implements MigrationInterface {
  name = 'NotifyOutboxRelays1732300000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION outbox_notify_relays() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('${OUTBOX_NOTIFY_CHANNEL}', '');
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER outbox_notify_relays AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify_relays()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER outbox_notify_relays ON outbox; DROP FUNCTION outbox_notify_relays`);
  }
}
