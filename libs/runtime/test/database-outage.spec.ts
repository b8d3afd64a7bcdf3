import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { operationsOf } from '@gridwork/contracts';
import { startPostgresCluster, waitFor, type PostgresCluster } from '@gridwork/testing';
import { probe, probeService, tallyService } from './fixtures/probe.js';
import { testWorld, type TestWorld } from './world.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ACK_WAIT_MS = 1_000;
/** Many ack waits, and far longer than the four deliveries' backoffs (20, 40, 80 ms): a "few minutes" at test speed. */
const OUTAGE_MS = 12_000;

/**
 * A consumer whose database is away is not looking at bad events: it waits
 * and tries again, holding what it has, and dead-letters nothing. (A 15 s
 * PostgreSQL outage used to spend EVENT_MAX_DELIVER on every event in hand
 * and dead-letter good events.) Here tally's database is a private server
 * the test stops, with four deliveries allowed, a 20 ms backoff and a 1 s
 * ack wait, so the outage outlasts both many times over.
 */
describe('a consumer during an outage of its database', () => {
  let world: TestWorld;
  let cluster: PostgresCluster;
  let tallyUrl: string;
  let tally: INestApplication;
  const tallyOps = operationsOf('tally');

  beforeAll(async () => {
    world = await testWorld(['probe']);
    cluster = await startPostgresCluster();
    tallyUrl = await cluster.database('gridwork_tally');
    await world.start(probeService(), 'probe');
    tally = await startTestServiceOn(tallyUrl);
  }, 60_000);
  afterAll(async () => {
    await tally?.close().catch(() => undefined);
    await world?.dispose();
    await cluster?.dispose();
  });

  const startTestServiceOn = async (url: string) => {
    const { startTestService } = await import('./world.js');
    return startTestService(tallyService(), { DATABASE_URL: url, NATS_URL: world.nats.url, EVENT_ACK_WAIT_MS: String(ACK_WAIT_MS) });
  };
  const tallyQuery = async <T,>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const db = new pg.Client({ connectionString: tallyUrl });
    await db.connect();
    try {
      return (await db.query(sql, params)).rows as T[];
    } finally {
      await db.end();
    }
  };

  it('applies every event once after the database is back, and dead-letters none', async () => {
    await world.client.request(probe.widget.create, { name: 'before outage', count: 1 });
    await waitFor('the first event to be applied', async () => (await tallyQuery<{ n: number }>('SELECT count(*)::int AS n FROM tally'))[0]!.n === 1);

    await cluster.stop('immediate');
    const names = Array.from({ length: 40 }, (_, i) => `during outage ${i}`);
    for (const name of names) await world.client.request(probe.widget.create, { name, count: 1 });
    await pause(OUTAGE_MS);
    await cluster.start();

    await waitFor('every event to be applied', async () => (await tallyQuery<{ n: number }>('SELECT count(*)::int AS n FROM tally'))[0]!.n === 41, 30_000);
    await pause(ACK_WAIT_MS * 3);
    const [{ rows, widgets }] = await tallyQuery<{ rows: number; widgets: number }>(
      'SELECT (SELECT count(*)::int FROM tally) AS rows, (SELECT widgets FROM tally_total) AS widgets',
    );
    expect({ rows, widgets }).toEqual({ rows: 41, widgets: 41 });
    expect((await world.client.request(tallyOps.deadLetter.list, {})).items).toEqual([]);
    const info = await (await jetstreamManager(world.nc)).consumers.info('GOV_PROBE', 'tally');
    expect({ pending: info.num_pending, ackPending: info.num_ack_pending }).toEqual({ pending: 0, ackPending: 0 });
    // Held, not sent again: one delivery for each event.
    expect(info.delivered.consumer_seq).toBe(41);
  }, 90_000);
});
