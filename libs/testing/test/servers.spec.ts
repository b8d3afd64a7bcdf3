import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createServer } from 'node:net';
import { createTestDatabase, isListening, startNatsServer, testDatabaseServerUrl, testNats } from '../src/index.js';

describe('test servers', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('prefers TEST_DATABASE_URL and TEST_NATS_URL when set', async () => {
    process.env.TEST_DATABASE_URL = 'postgres://someone@db.example:5432/postgres';
    process.env.TEST_NATS_URL = 'nats://nats.example:4222';
    expect(await testDatabaseServerUrl()).toBe('postgres://someone@db.example:5432/postgres');
    expect((await testNats()).url).toBe('nats://nats.example:4222');
  });

  it('uses the local PostgreSQL and a private nats-server otherwise', async () => {
    delete process.env.TEST_DATABASE_URL;
    delete process.env.TEST_NATS_URL;
    expect(await testDatabaseServerUrl()).toBe('postgres://postgres@127.0.0.1:5432/postgres');
    const nats = await testNats();
    expect(nats.url).not.toBe('nats://127.0.0.1:4222');
    const port = Number(new URL(nats.url).port);
    expect(await isListening('127.0.0.1', port)).toBe(true);
    await nats.dispose();
    expect(await isListening('127.0.0.1', port)).toBe(false);
  });

  it('never lets a private nats-server stand in for another: each reports its own port, a restart on a taken port fails', async () => {
    const servers = await Promise.all(Array.from({ length: 4 }, () => startNatsServer()));
    expect(new Set(servers.map((s) => s.port)).size).toBe(4);
    const [first, ...others] = servers;
    await Promise.all(others.map((s) => s.dispose()));
    await first!.stop();
    // Someone else takes the port meanwhile: the restart must fail, not quietly talk to them.
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(first!.port, '127.0.0.1', resolve));
    try {
      await expect(first!.start()).rejects.toThrow(/exited/);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
      await first!.dispose();
    }
  });

  it('gives each test file its own database and drops it', async () => {
    const db = await createTestDatabase('gridwork_testing');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    expect((await client.query('SELECT current_database() AS name')).rows[0].name).toBe(db.name);
    await client.end();
    await db.drop();
    const admin = new pg.Client({ connectionString: await testDatabaseServerUrl() });
    await admin.connect();
    expect((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [db.name])).rowCount).toBe(0);
    await admin.end();
  });
});
