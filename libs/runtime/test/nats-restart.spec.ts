import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { publishInTransaction } from '@gridwork/messaging';
import { startNatsServer, waitFor, type NatsServerProcess } from '@gridwork/testing';
import { probe, probeService, tallyService } from './fixtures/probe.js';
import { testWorld, type TestWorld } from './world.js';

/** Proof 3: NATS restarted in the middle of a stream of 1,000 events; all arrive, none twice in effect. */
describe('NATS restart mid-stream', () => {
  let world: TestWorld;
  let nats: NatsServerProcess;
  let probeHttp: string;

  beforeAll(async () => {
    world = await testWorld(['probe', 'tally']);
    // A server of this test's own, so it can be killed.
    nats = await startNatsServer();
    const env = { NATS_URL: nats.url };
    const app = await world.start(probeService(), 'probe', env);
    probeHttp = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    await world.start(tallyService(), 'tally', env);
  });
  afterAll(async () => {
    await world?.dispose();
    await nats?.dispose();
  });

  it('delivers all 1,000 events exactly once in effect across a hard NATS restart', async () => {
    const writer = new DataSource({ type: 'postgres', url: world.url('probe') });
    await writer.initialize();
    const total = 1_000;
    const writeEvents = async (from: number, to: number) => {
      for (let i = from; i < to; i += 10) {
        await writer.transaction(async (em) => {
          for (let j = i; j < Math.min(i + 10, to); j++) {
            await publishInTransaction(em, probe.widget.created, {
              id: `00000000-0000-7000-8000-${String(j).padStart(12, '0')}`,
              name: `event-${j}`,
              count: j,
            });
          }
        });
      }
    };
    const tallied = async () =>
      (await world.query<{ n: number }>('tally', 'SELECT count(*)::int AS n FROM tally'))[0]!.n;

    await writeEvents(0, 400);
    await waitFor('some events to be applied before the restart', async () => (await tallied()) > 0);
    await nats.stop(true); // SIGKILL mid-stream
    await writeEvents(400, 700); // written while NATS is down: they wait in the outbox
    const ready = await fetch(`${probeHttp}/health/ready`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { dependencies: unknown[] }).dependencies).toContainEqual(expect.objectContaining({ name: 'nats', status: 'down' }));
    // The same answer as series, for the "NATS unreachable" and "service not ready" alerts.
    const down = await (await fetch(`${probeHttp}/metrics`)).text();
    expect(down).toMatch(/^gov_dependency_up\{dependency="nats",service="probe"\} 0$/m);
    expect(down).toMatch(/^gov_dependency_up\{dependency="postgresql",service="probe"\} 1$/m);
    expect(down).toMatch(/^gov_service_ready\{service="probe"\} 0$/m);
    await nats.start();
    await writeEvents(700, total);

    await waitFor('all 1,000 events to be applied', async () => (await tallied()) === total, 60_000);
    const up = await (await fetch(`${probeHttp}/metrics`)).text();
    expect(up).toMatch(/^gov_dependency_up\{dependency="nats",service="probe"\} 1$/m);
    expect(up).toMatch(/^gov_service_ready\{service="probe"\} 1$/m);
    await new Promise((r) => setTimeout(r, 1_000));
    const [{ widgets }] = await world.query<{ widgets: number }>('tally', 'SELECT widgets FROM tally_total');
    expect(widgets).toBe(total);
    expect(await tallied()).toBe(total);
    const [{ pending }] = await world.query<{ pending: number }>('probe', 'SELECT count(*)::int AS pending FROM outbox WHERE sent_at IS NULL');
    expect(pending).toBe(0);
    await writer.destroy();
  });
});
