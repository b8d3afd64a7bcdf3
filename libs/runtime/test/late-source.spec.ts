import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@gridwork/testing';
import { probe, probeService, tallyService } from './fixtures/probe.js';
import { testWorld, type TestWorld } from './world.js';

/** A consuming service may start before the service whose events it reads has ever run. */
describe('consumer started before its source', () => {
  let world: TestWorld;

  beforeAll(async () => {
    world = await testWorld(['probe', 'tally']);
  });
  afterAll(() => world?.dispose());

  it('starts, waits for the source stream, and then consumes from its beginning', async () => {
    const tally = await world.start(tallyService(), 'tally');
    const health = await fetch(`${(await tally.getUrl()).replace('[::1]', '127.0.0.1')}/health/ready`);
    expect(health.status).toBe(200);

    await world.start(probeService(), 'probe');
    await world.client.request(probe.widget.create, { name: 'early-bird', count: 1 });
    await waitFor('the event to be applied', async () => {
      const [{ n }] = await world.query<{ n: number }>('tally', "SELECT count(*)::int AS n FROM tally WHERE name = 'early-bird'");
      return n === 1;
    });
  });
});
