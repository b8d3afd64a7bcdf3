import type { INestApplication } from '@nestjs/common';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { GridworkClient } from '@gridwork/client';
import { startPostgresCluster, testNats, waitFor, type PostgresCluster } from '@gridwork/testing';
import { probe, probeService } from './fixtures/probe.js';
import { startTestService } from './world.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The outbox relay hears of new events by LISTEN/NOTIFY and polls only as a
 * fallback. After its database went away it retried the LISTEN connection
 * once, a second later, and never again when that failed: for the rest of
 * the process's life events waited for the poll. It must be back on NOTIFY
 * however long the database was away. Here the poll is ten minutes, so an
 * event relayed within seconds was relayed because of its NOTIFY.
 */
describe('the outbox relay after a PostgreSQL restart', () => {
  let cluster: PostgresCluster;
  let nats: Awaited<ReturnType<typeof testNats>>;
  let nc: NatsConnection;
  let client: GridworkClient;
  let app: INestApplication;
  let databaseUrl: string;

  beforeAll(async () => {
    cluster = await startPostgresCluster();
    nats = await testNats();
    nc = await connect({ servers: nats.url });
    client = new GridworkClient(nc, { timeoutMs: 5_000 });
    databaseUrl = await cluster.database('gridwork_probe');
    app = await startTestService(probeService(), { DATABASE_URL: databaseUrl, NATS_URL: nats.url, OUTBOX_POLL_MS: '600000' });
  }, 60_000);
  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await nc?.close();
    await nats?.dispose();
    await cluster?.dispose();
  });

  const unsent = async (name: string) => {
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE payload->>'name' = $1 AND sent_at IS NULL`, [name]);
      return rows[0]!.n;
    } finally {
      await db.end();
    }
  };
  /** Creates a widget, retrying while the service cannot reach its database yet. */
  const create = (name: string) =>
    waitFor(`${name} to be created`, () => client.request(probe.widget.create, { name, count: 1 }).then(() => true), 30_000, 200);

  it('relays on NOTIFY before the restart', async () => {
    await create('before');
    await waitFor('the event to be relayed', async () => (await unsent('before')) === 0, 5_000);
  });

  for (const [outageMs, mode] of [
    [4_000, 'immediate'],
    [12_000, 'fast'],
  ] as const) {
    it(`relays on NOTIFY again after the database was away ${outageMs / 1000} s (${mode} stop)`, async () => {
      await cluster.stop(mode);
      await pause(outageMs);
      await cluster.start();
      const name = `after ${outageMs}`;
      await create(name);
      await waitFor('the event to be relayed', async () => (await unsent(name)) === 0, 8_000);
      // The first may have gone with the pass the relay makes when its listener is back; this one only by NOTIFY.
      await create(`${name}, next`);
      await waitFor('the next event to be relayed', async () => (await unsent(`${name}, next`)) === 0, 5_000);
    }, 60_000);
  }
});
