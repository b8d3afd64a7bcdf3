import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@gridwork/testing';
import { createServiceDataSource, runMigrationsExclusively } from '../src/index.js';

class SlowMigration1700000000100 implements MigrationInterface {
  async up(q: QueryRunner) {
    await q.query('SELECT pg_sleep(0.3)');
    await q.query('CREATE TABLE slow_thing (id int PRIMARY KEY)');
  }
  async down(q: QueryRunner) {
    await q.query('DROP TABLE slow_thing');
  }
}

describe('migrations at start', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('gridwork_persistence');
  });
  afterAll(() => db?.drop());

  it('runs once when several replicas start at the same moment', async () => {
    const replicas = Array.from({ length: 3 }, () =>
      createServiceDataSource({ url: db.url, migrations: [SlowMigration1700000000100], migrationsRun: false }),
    );
    await Promise.all(replicas.map((ds) => ds.initialize()));
    await Promise.all(replicas.map((ds) => runMigrationsExclusively(ds)));
    const applied = await replicas[0]!.query('SELECT name FROM migrations ORDER BY id');
    expect(applied.map((m: { name: string }) => m.name).sort()).toEqual(['CreateMessagingTables1732300000000', 'NotifyOutboxRelays1732300000100', 'SlowMigration1700000000100']);
    expect(await replicas[0]!.query("SELECT to_regclass('outbox') IS NOT NULL AS outbox, to_regclass('inbox') IS NOT NULL AS inbox")).toEqual([
      { outbox: true, inbox: true },
    ]);
    await Promise.all(replicas.map((ds) => ds.destroy()));
  });
});
