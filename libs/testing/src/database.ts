import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { containersOnly, isListening, postgresFromDocker } from './servers.js';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

const LOCAL_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';

/** The server tests use: `TEST_DATABASE_URL`, else the local PostgreSQL, else a Testcontainers one. */
export async function testDatabaseServerUrl(): Promise<string> {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
  if (!containersOnly() && (await isListening('127.0.0.1', 5432))) return LOCAL_SERVER;
  return postgresFromDocker();
}

async function withAdmin<T>(server: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database for one test file; `drop()` removes it and any open connections. */
export async function createTestDatabase(prefix = 'gridwork_test'): Promise<TestDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const server = await testDatabaseServerUrl();
  await withAdmin(server, (c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => withAdmin(server, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
