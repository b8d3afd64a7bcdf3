import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@gridwork/testing';
import { probe, probeService, tallyBehaviour, tallyService } from './fixtures/probe.js';
import { testWorld, type TestWorld } from './world.js';

/** Proof 5: two replicas of a service share requests and consumers without double work. */
describe('two replicas', () => {
  let world: TestWorld;

  beforeAll(async () => {
    world = await testWorld(['probe', 'tally']);
    // Started together on empty databases: one replica migrates, the other waits for it.
    await Promise.all([
      world.start(probeService('a'), 'probe'),
      world.start(probeService('b'), 'probe'),
      world.start(tallyService('a'), 'tally'),
      world.start(tallyService('b'), 'tally'),
    ]);
  });
  afterAll(() => world?.dispose());

  it('spreads requests over the queue group, each served once, and applies each event once', async () => {
    const count = 300;
    const replies = await Promise.all(
      Array.from({ length: count }, (_, i) => world.client.request(probe.widget.create, { name: `w-${i}`, count: i })),
    );
    const servedBy = new Map<string, number>();
    for (const r of replies) servedBy.set(r.servedBy, (servedBy.get(r.servedBy) ?? 0) + 1);
    expect(servedBy.get('a')).toBeGreaterThan(0);
    expect(servedBy.get('b')).toBeGreaterThan(0);
    const [{ n }] = await world.query<{ n: number }>('probe', 'SELECT count(*)::int AS n FROM widget');
    expect(n).toBe(count);

    await waitFor('every event to be applied', async () => {
      const [{ widgets }] = await world.query<{ widgets: number }>('tally', 'SELECT widgets FROM tally_total');
      return widgets === count;
    });
    await new Promise((r) => setTimeout(r, 500));
    const [{ widgets }] = await world.query<{ widgets: number }>('tally', 'SELECT widgets FROM tally_total');
    expect(widgets).toBe(count);
    // No handler ran twice for the same event, on either replica.
    const invocations = (tallyBehaviour.invocations.get('a') ?? 0) + (tallyBehaviour.invocations.get('b') ?? 0);
    expect(invocations).toBe(count);
    const [{ published }] = await world.query<{ published: number }>('probe', 'SELECT count(*)::int AS published FROM outbox WHERE sent_at IS NOT NULL');
    expect(published).toBe(count);
  });
});
