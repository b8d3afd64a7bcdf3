import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstream } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { Headers, schemaHeader } from '@gridwork/contracts';
import { waitFor } from '@gridwork/testing';
import { probe, probeService, tallyService } from './fixtures/probe.js';
import { testWorld, type TestWorld } from './world.js';

const drill = resolve(import.meta.dirname, '../../probe/dist/write-and-crash.js');

/** Proof 1: an outbox event is delivered exactly once even when the publisher dies between commit and publish. */
describe('outbox after a crash', () => {
  let world: TestWorld;

  beforeAll(async () => {
    world = await testWorld(['probe', 'tally']);
    // Create probe's tables, then stop it: from here on only the drill process writes.
    await world.stop(await world.start(probeService(), 'probe'));
    await world.start(tallyService(), 'tally');
  });
  afterAll(() => world?.dispose());

  const writeAndCrash = (name: string) => {
    const run = spawnSync(process.execPath, [drill, name], { env: { ...process.env, DATABASE_URL: world.url('probe') }, encoding: 'utf8' });
    expect(run.signal, run.stderr).toBe('SIGKILL');
    return run.stdout.trim();
  };
  const tallied = (name: string) =>
    world.query<{ n: number }>('tally', 'SELECT count(*)::int AS n FROM tally WHERE name = $1', [name]).then((r) => r[0]!.n);

  it('publishes a committed event after the killed publisher restarts, and it takes effect once', async () => {
    const eventId = writeAndCrash('killed-before-publish');
    const [pending] = await world.query('probe', 'SELECT sent_at FROM outbox WHERE id = $1', [eventId]);
    expect(pending).toEqual({ sent_at: null });

    const restarted = await world.start(probeService(), 'probe');
    await waitFor('the event to be applied', async () => (await tallied('killed-before-publish')) === 1);
    await waitFor('the row to be marked sent', async () => {
      const [row] = await world.query<{ sent_at: Date | null }>('probe', 'SELECT sent_at FROM outbox WHERE id = $1', [eventId]);
      return row!.sent_at !== null;
    });
    const [inbox] = await world.query('tally', 'SELECT consumer FROM inbox WHERE event_id = $1', [eventId]);
    expect(inbox).toEqual({ consumer: 'tally<-probe' });
    await world.stop(restarted);
  });

  it('takes effect once when the publisher died after publishing but before marking the row sent', async () => {
    const eventId = writeAndCrash('killed-after-publish');
    // What the relay had done before the crash: the event is in the stream, the row still pending.
    const [row] = await world.query<{ subject: string; payload: object; headers: Record<string, string> }>(
      'probe',
      'SELECT subject, payload, headers FROM outbox WHERE id = $1',
      [eventId],
    );
    const h = natsHeaders();
    h.set(Headers.schema, schemaHeader(probe.widget.created));
    await jetstream(world.nc).publish(row!.subject, JSON.stringify(row!.payload), { msgID: eventId, headers: h });
    await waitFor('the first copy to be applied', async () => (await tallied('killed-after-publish')) === 1);

    await world.start(probeService(), 'probe');
    await waitFor('the row to be marked sent', async () => {
      const [r] = await world.query<{ sent_at: Date | null }>('probe', 'SELECT sent_at FROM outbox WHERE id = $1', [eventId]);
      return r!.sent_at !== null;
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(await tallied('killed-after-publish')).toBe(1);
    const [total] = await world.query('tally', 'SELECT widgets FROM tally_total');
    expect(total).toEqual({ widgets: 2 });
  });
});
