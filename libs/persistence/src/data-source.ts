import pg from 'pg';
import { DataSource, type MixedList, type EntitySchema } from 'typeorm';
import { OutboxMessage } from './outbox-message.entity.js';
import { InboxEntry } from './inbox-entry.entity.js';
import { CreateMessagingTables1732300000000 } from './1732300000000-create-messaging-tables.js';
import { NotifyOutboxRelays1732300000100 } from './1732300000100-notify-outbox-relays.js';

export interface ServiceDatabaseOptions {
  url: string;
  /** The service's own entities; the outbox and inbox are added. */
  entities?: Function[];
  /** The service's own migrations, after the messaging tables' one. */
  migrations?: Function[];
  /** Run pending migrations when the data source opens (default true). */
  migrationsRun?: boolean;
  poolSize?: number;
  logging?: boolean;
}

export const MESSAGING_ENTITIES = [OutboxMessage, InboxEntry];
export const MESSAGING_MIGRATIONS = [CreateMessagingTables1732300000000, NotifyOutboxRelays1732300000100];

/** The default database of a service on the local server: `gov_<service>`. */
export const defaultDatabaseUrl = (service: string): string => `postgres://postgres@127.0.0.1:5432/gov_${service}`;

/** A TypeORM data source for one service's database. Schema changes go through migrations only. */
export function createServiceDataSource(options: ServiceDatabaseOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: [...MESSAGING_ENTITIES, ...(options.entities ?? [])] as MixedList<Function | string | EntitySchema>,
    migrations: [...MESSAGING_MIGRATIONS, ...(options.migrations ?? [])] as MixedList<Function | string>,
    migrationsRun: options.migrationsRun ?? true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: options.logging ?? false,
    extra: { max: options.poolSize ?? 10 },
  });
}

/** Creates the URL's database when it does not exist, so a fresh server needs no manual step. */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`database name '${name}' must be letters, digits and underscores`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE "${name}"`).catch((err: { code?: string }) => {
        // Another replica created it first.
        if (err.code !== '42P04' && err.code !== '23505') throw err;
      });
    }
  } finally {
    await client.end();
  }
}

/** Advisory lock key held while migrations run ("gridmigr"). */
const MIGRATION_LOCK_KEY = 0x677269646d696772n;

/**
 * Runs pending migrations while holding a session advisory lock, so that of
 * several replicas starting at once one migrates and the others wait, then
 * find nothing left to do.
 */
export async function runMigrationsExclusively(dataSource: DataSource): Promise<void> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]).catch(() => undefined);
    await lock.release();
  }
}
