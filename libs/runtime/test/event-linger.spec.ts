import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstream } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { Headers, schemaHeader } from '@gridwork/contracts';
import { newId } from '@gridwork/persistence';
import { waitFor } from '@gridwork/testing';
import { probe, probeService, tallyService } from './fixtures/probe.js';
import { testWorld, type TestWorld } from './world.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/*
 * The linger applies while items come at least 16 to a linger (see Linger):
 * with 1 s, gaps under 62.5 ms. Events 5 ms apart stay well under that on a
 * loaded machine, where the pauses and each publish stretch (at 20 ms apart
 * one CI run measured gaps over it and took a batch more).
 */
const LINGER_MS = 1_000;
const BUSY_GAP_MS = 5;
/**
 * Passes or batches that events written over `spanMs` may take with the
 * linger (without it, one per event): the first two of a flow go at once
 * while the linger learns the rate, then one per linger.
 */
const atMostFor = (spanMs: number) => 2 + Math.ceil(spanMs / LINGER_MS);

/**
 * EVENT_LINGER_MS: under a steady flow, relay passes and consumer batches
 * start at least that long apart, so events that come a few milliseconds
 * apart share a transaction. Each pass or batch is seen in the database by
 * its transaction's timestamp: the outbox's `sent_at` and the inbox's
 * `processed_at` are `now()`. Without the linger, each of these events would
 * be relayed and applied on its own.
 */
describe('event linger', () => {
  let world: TestWorld;

  beforeAll(async () => {
    world = await testWorld(['probe', 'tally']);
    // A long linger, so that a machine writes several events within it; no polling passes.
    const env = { EVENT_LINGER_MS: String(LINGER_MS), OUTBOX_POLL_MS: '600000' };
    await world.start(probeService(), 'probe', env);
    await world.start(tallyService(), 'tally', env);
  });
  afterAll(() => world?.dispose());

  const tallied = async (names: string[]) =>
    (await world.query<{ n: number }>('tally', 'SELECT count(*)::int AS n FROM tally WHERE name = ANY ($1)', [names]))[0]!.n;

  it('relays events written 5 ms apart together', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `relayed ${i}`);
    const started = performance.now();
    for (const name of names) {
      await world.client.request(probe.widget.create, { name, count: 1 });
      await pause(BUSY_GAP_MS);
    }
    const span = performance.now() - started;
    await waitFor('every widget to be tallied', async () => (await tallied(names)) === names.length);
    const [{ passes }] = await world.query<{ passes: number }>(
      'probe',
      `SELECT count(DISTINCT sent_at)::int AS passes FROM outbox WHERE payload->>'name' = ANY ($1)`,
      [names],
    );
    expect(passes).toBeLessThanOrEqual(Math.min(atMostFor(span), names.length - 2));
  });

  it('applies events arriving 5 ms apart together', async () => {
    const js = jetstream(world.nc);
    const events = Array.from({ length: 8 }, (_, i) => ({ id: newId(), name: `consumed ${i}`, count: 1 }));
    const started = performance.now();
    for (const event of events) {
      const h = natsHeaders();
      h.set(Headers.schema, schemaHeader(probe.widget.created));
      await js.publish(probe.widget.created.subject, JSON.stringify(event), { msgID: event.id, headers: h });
      await pause(BUSY_GAP_MS);
    }
    const span = performance.now() - started;
    await waitFor('every event to be tallied', async () => (await tallied(events.map((e) => e.name))) === events.length);
    const [{ transactions }] = await world.query<{ transactions: number }>(
      'tally',
      `SELECT count(DISTINCT processed_at)::int AS transactions FROM inbox WHERE event_id = ANY ($1)`,
      [events.map((e) => e.id)],
    );
    expect(transactions).toBeLessThanOrEqual(Math.min(atMostFor(span), events.length - 2));
  });
  /*
   * Below the rate at which lingering pays (see Linger), the linger costs
   * nothing: each event goes at once. Events 150 ms apart with a 1 s linger
   * used to wait for it (all but the first shared one pass and one batch).
   */
  const QUIET_GAP_MS = 150;

  it('relays events written 150 ms apart each at once', async () => {
    const names = Array.from({ length: 6 }, (_, i) => `quiet relayed ${i}`);
    for (const name of names) {
      await world.client.request(probe.widget.create, { name, count: 1 });
      await pause(QUIET_GAP_MS);
    }
    await waitFor('every widget to be tallied', async () => (await tallied(names)) === names.length);
    const [{ passes }] = await world.query<{ passes: number }>(
      'probe',
      `SELECT count(DISTINCT sent_at)::int AS passes FROM outbox WHERE payload->>'name' = ANY ($1)`,
      [names],
    );
    expect(passes).toBeGreaterThanOrEqual(names.length - 1);
  });

  it('applies events arriving 150 ms apart each at once', async () => {
    const js = jetstream(world.nc);
    const events = Array.from({ length: 6 }, (_, i) => ({ id: newId(), name: `quiet consumed ${i}`, count: 1 }));
    for (const event of events) {
      const h = natsHeaders();
      h.set(Headers.schema, schemaHeader(probe.widget.created));
      await js.publish(probe.widget.created.subject, JSON.stringify(event), { msgID: event.id, headers: h });
      await pause(QUIET_GAP_MS);
    }
    await waitFor('every event to be tallied', async () => (await tallied(events.map((e) => e.name))) === events.length);
    const [{ transactions }] = await world.query<{ transactions: number }>(
      'tally',
      `SELECT count(DISTINCT processed_at)::int AS transactions FROM inbox WHERE event_id = ANY ($1)`,
      [events.map((e) => e.id)],
    );
    expect(transactions).toBeGreaterThanOrEqual(events.length - 1);
  });
});
