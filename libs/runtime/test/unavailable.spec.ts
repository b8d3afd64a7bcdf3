import type { INestApplication } from '@nestjs/common';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, GridworkError } from '@gridwork/contracts';
import { GridworkClient } from '@gridwork/client';
import { startNatsServer, startPostgresCluster, waitFor, type NatsServerProcess, type PostgresCluster } from '@gridwork/testing';
import { probe, probeService } from './fixtures/probe.js';
import { startTestService } from './world.js';

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

/**
 * The contract tells a department system to retry UNAVAILABLE. A request
 * that fails because the database or NATS cannot be reached is that case,
 * not INTERNAL (which it was while PostgreSQL was down, so the report was
 * dropped), and once the server is back the same request succeeds.
 */
describe('requests while a server is unreachable', () => {
  let cluster: PostgresCluster;
  let nats: NatsServerProcess;
  let nc: NatsConnection;
  let client: GridworkClient;
  let app: INestApplication;

  beforeAll(async () => {
    cluster = await startPostgresCluster();
    nats = await startNatsServer();
    nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    client = new GridworkClient(nc, { timeoutMs: 2_000 });
    app = await startTestService(probeService(), { DATABASE_URL: await cluster.database('gridwork_probe'), NATS_URL: nats.url });
  }, 60_000);
  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await nc?.close();
    await nats?.dispose();
    await cluster?.dispose();
  });

  it('answers UNAVAILABLE while the database is down, and serves the request once it is back', async () => {
    await client.request(probe.widget.create, { name: 'before', count: 1 });
    await cluster.stop('immediate');
    const error = await failure(client.request(probe.widget.create, { name: 'during', count: 1 }));
    expect(error).toBeInstanceOf(GridworkError);
    expect((error as GridworkError).code).toBe(ErrorCode.UNAVAILABLE);
    expect((error as GridworkError).message).toMatch(/database/);
    await cluster.start();
    await waitFor('the request to succeed', () => client.request(probe.widget.create, { name: 'during', count: 1 }), 20_000, 200);
  }, 40_000);

  it('is UNAVAILABLE to the client while NATS cannot be reached, and served once it is back', async () => {
    await nats.stop(true);
    const error = await failure(client.request(probe.widget.create, { name: 'nats away', count: 1 }));
    expect(error).toBeInstanceOf(GridworkError);
    expect((error as GridworkError).code).toBe(ErrorCode.UNAVAILABLE);
    await nats.start();
    await waitFor('the request to succeed', () => client.request(probe.widget.create, { name: 'nats away', count: 1 }), 20_000, 200);
  }, 40_000);

  it('is UNAVAILABLE to the client whose connection has closed', async () => {
    const closed = await connect({ servers: nats.url });
    await closed.close();
    const error = await failure(new GridworkClient(closed).request(probe.widget.create, { name: 'closed', count: 1 }));
    expect(error).toBeInstanceOf(GridworkError);
    expect((error as GridworkError).code).toBe(ErrorCode.UNAVAILABLE);
  });
});
