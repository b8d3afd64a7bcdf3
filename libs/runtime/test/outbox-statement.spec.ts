import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { GridworkError } from '@gridwork/contracts';
import { outboxInsert, outboxRecordset } from '@gridwork/messaging';
import { newId } from '@gridwork/persistence';
import { waitFor } from '@gridwork/testing';
import { probe, probeService, tallyService } from './fixtures/probe.js';
import { testWorld, type TestWorld } from './world.js';

/**
 * Events written by a service's own statement (`outboxRecordset` +
 * `outboxInsert`), as dispatch's intake writes cases and their events in one
 * statement without a transaction around it. The relays poll only every ten
 * minutes here, so an event that arrives at all was woken by the outbox's
 * trigger.
 */
describe('events written by the caller’s own statement', () => {
  let world: TestWorld;
  let probeDb: DataSource;

  beforeAll(async () => {
    world = await testWorld(['probe', 'tally']);
    const slowPolling = { OUTBOX_POLL_MS: '600000' };
    await world.start(probeService(), 'probe', slowPolling);
    await world.start(tallyService(), 'tally', slowPolling);
    probeDb = new DataSource({ type: 'postgres', url: world.url('probe') });
    await probeDb.initialize();
  });
  afterAll(async () => {
    await probeDb?.destroy();
    await world?.dispose();
  });

  const tallied = async () => (await world.query<{ name: string }>('tally', 'SELECT name FROM tally ORDER BY name')).map((row) => row.name);

  /** Stores widgets not stored yet and the events of those it stored, in one statement. */
  const storeWidgets = async (widgets: { id: string; name: string; count: number }[]) => {
    const events = await outboxRecordset([{ event: probe.widget.created, events: widgets.map((w) => ({ payload: w, about: w.id })) }]);
    const rows = await probeDb.query<{ id: string }[]>(
      `WITH inserted AS (
         INSERT INTO widget (id, name, count) SELECT id, name, count FROM jsonb_to_recordset($1::jsonb) AS w(id uuid, name text, count int)
         ON CONFLICT (id) DO NOTHING RETURNING id),
       events AS (${outboxInsert('$2', 'e.about::uuid IN (SELECT id FROM inserted)')})
       SELECT id FROM inserted`,
      [JSON.stringify(widgets), events],
    );
    return rows.map((row) => row.id);
  };

  it('publishes the events of the records the statement stored, and only those, woken without polling', async () => {
    const existing = { id: newId(), name: 'stored before', count: 1 };
    await probeDb.query('INSERT INTO widget (id, name, count) VALUES ($1, $2, $3)', [existing.id, existing.name, existing.count]);
    const fresh = [
      { id: newId(), name: 'first', count: 2 },
      { id: newId(), name: 'second', count: 3 },
    ];
    expect(await storeWidgets([fresh[0]!, existing, fresh[1]!])).toHaveLength(2);
    await waitFor('both new widgets to be tallied', async () => (await tallied()).length === 2);
    expect(await tallied()).toEqual(['first', 'second']);
    const written = await world.query<{ name: string }>('probe', `SELECT payload->>'name' AS name FROM outbox ORDER BY seq`);
    expect(written.map((row) => row.name)).toEqual(['first', 'second']);
  });

  it('wakes the relays for events written with publishInTransaction too', async () => {
    await world.client.request(probe.widget.create, { name: 'through the endpoint', count: 4 });
    await waitFor('the endpoint’s widget to be tallied', async () => (await tallied()).includes('through the endpoint'));
  });

  it('refuses an event that breaks its contract, naming the field, before anything is written', async () => {
    const before = await world.query<{ n: number }>('probe', 'SELECT count(*)::int AS n FROM outbox');
    const refused = await storeWidgets([{ id: newId(), name: 'bad', count: 'many' as unknown as number }]).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(GridworkError);
    expect((refused as GridworkError).details).toEqual([{ field: 'count', messages: [expect.stringMatching(/integer/)] }]);
    expect(await world.query('probe', 'SELECT count(*)::int AS n FROM outbox')).toEqual(before);
    expect(await world.query('probe', `SELECT id FROM widget WHERE name = 'bad'`)).toEqual([]);
  });
});
