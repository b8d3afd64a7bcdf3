import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { createTestDatabase, testDatabaseServerUrl, testNats } from '../src/index.js';

/*
 * The Testcontainers path, run by `npm run test:deploy` with
 * TEST_SERVERS=containers (and the local images named in TEST_POSTGRES_IMAGE
 * and TEST_NATS_IMAGE): PostgreSQL with PostGIS and NATS with JetStream come
 * from containers even though local servers run. Elsewhere it is skipped,
 * since `npm test` uses the local servers.
 */
/** Host ports published by Testcontainers' containers, as `0.0.0.0:49153->5432/tcp` lines. */
const publishedPorts = () =>
  execFileSync(process.env.DOCKER ?? 'docker', ['ps', '--filter', 'label=org.testcontainers=true', '--format', '{{.Image}} {{.Ports}}'], { encoding: 'utf8' });

describe.runIf(process.env.TEST_SERVERS === 'containers')('test servers from Testcontainers', () => {
  it('takes PostgreSQL with PostGIS from a container, not the local server', async () => {
    const server = new URL(await testDatabaseServerUrl());
    expect(server.port).not.toBe('5432');
    expect(publishedPorts()).toMatch(new RegExp(`^${process.env.TEST_POSTGRES_IMAGE ?? 'postgis/postgis:15-3.4'} .*:${server.port}->5432/tcp`, 'm'));
    const db = await createTestDatabase('gridwork_containers');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('CREATE EXTENSION postgis');
      const { rows } = await client.query<{ version: string; postgis: string }>(`SELECT current_setting('server_version') AS version, postgis_lib_version() AS postgis`);
      expect(rows[0]!.version).toMatch(/^15\./);
      expect(rows[0]!.postgis).toMatch(/^3\./);
    } finally {
      await client.end();
      await db.drop();
    }
  });

  it('takes NATS with JetStream from a container, not a private nats-server or the local one', async () => {
    const nats = await testNats();
    const port = new URL(nats.url).port;
    expect(publishedPorts()).toMatch(new RegExp(`^${process.env.TEST_NATS_IMAGE ?? 'nats:2.10'} .*:${port}->4222/tcp`, 'm'));
    const nc = await connect({ servers: nats.url });
    try {
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams.add({ name: 'CONTAINERS_CHECK', subjects: ['containers.check'] });
      expect(info.config.name).toBe('CONTAINERS_CHECK');
      await jsm.streams.delete('CONTAINERS_CHECK');
    } finally {
      await nc.close();
      await nats.dispose();
    }
  });
});
