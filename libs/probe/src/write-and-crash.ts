import 'reflect-metadata';
import { publishInTransaction } from '@gridwork/messaging';
import { createServiceDataSource, newId } from '@gridwork/persistence';
import { probe } from './probe-contract.js';

/**
 * Fault drill: commits a widget and its outbox event, then kills its own
 * process before any relay can publish it. Prints the event id first.
 * Usage: DATABASE_URL=... node libs/probe/dist/write-and-crash.js <name>
 */
const dataSource = createServiceDataSource({ url: process.env.DATABASE_URL!, migrationsRun: false });
await dataSource.initialize();
const name = process.argv[2] ?? 'crash-drill';
const eventId = await dataSource.transaction(async (em) => {
  const id = newId();
  await em.query('INSERT INTO widget (id, name, count) VALUES ($1, $2, 1)', [id, name]);
  return publishInTransaction(em, probe.widget.created, { id, name, count: 1 });
});
process.stdout.write(`${eventId}\n`, () => process.kill(process.pid, 'SIGKILL'));
