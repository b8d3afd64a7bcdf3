import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { Headers, schemaHeader } from '@gridwork/contracts';
import { newId } from '@gridwork/persistence';
import { waitFor } from '@gridwork/testing';
import { probe, probeService, tallyService } from './fixtures/probe.js';
import { testWorld, type TestWorld } from './world.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Far longer than any event needs: an event still unapplied by then waited for JetStream to send it again. */
const ACK_WAIT_MS = 60_000;
const WITHIN_MS = 10_000;

/**
 * No event may wait for ack wait (or a pull's expiry) because the consumer
 * is still gathering a batch behind it: with EVENT_LINGER_MS=0 the bench's
 * events stalled for about 30 s, the consumer having waited inside a batch
 * for a message that was not there while the batch's messages stayed
 * unacknowledged until JetStream sent them again.
 */
describe('events never wait for ack wait', () => {
  let world: TestWorld;
  let sent = 0;

  beforeAll(async () => {
    world = await testWorld(['probe', 'tally']);
    await world.start(probeService(), 'probe'); // its stream
    await world.start(tallyService(), 'tally', { EVENT_LINGER_MS: '0', EVENT_ACK_WAIT_MS: String(ACK_WAIT_MS) });
  });
  afterAll(() => world?.dispose());

  const publish = async (name: string) => {
    const id = newId();
    const h = natsHeaders();
    h.set(Headers.schema, schemaHeader(probe.widget.created));
    await jetstream(world.nc).publish(probe.widget.created.subject, JSON.stringify({ id, name, count: 1 }), { msgID: id, headers: h });
    sent += 1;
  };
  const applied = async (prefix: string) =>
    (await world.query<{ n: number }>('tally', 'SELECT count(*)::int AS n FROM tally WHERE name LIKE $1', [`${prefix}%`]))[0]!.n;
  const redelivered = async () => (await (await jetstreamManager(world.nc)).consumers.info('GOV_PROBE', 'tally')).num_redelivered;

  /** The consumer pulls 256 messages ahead and asks for more after each 64 received: a flow that ends just past that point stalled. */
  const endingPastARefill = (past: number) => 64 * 2 + past - (sent % 64);

  it('applies a trickle of single events at once, each sent when JetStream has stored the last', async () => {
    for (const past of [1, 2, 3, 1]) {
      const prefix = `trickle ${sent} `;
      const size = endingPastARefill(past);
      for (let i = 0; i < size; i++) await publish(`${prefix}${i}`);
      await waitFor(`a trickle of ${size} to be applied`, async () => (await applied(prefix)) === size, WITHIN_MS);
    }
    for (let i = 0; i < 200; i++) {
      await publish(`spaced ${i}`);
      await pause(3);
    }
    await waitFor('events 3 ms apart to be applied', async () => (await applied('spaced ')) === 200, WITHIN_MS);
    expect(await redelivered()).toBe(0);
  });

  it('applies the last events of each burst at once, whatever the burst size', async () => {
    // Bursts end at every offset from a pull refill (each 64 messages with the default fetch-ahead).
    for (const size of [65, 66, 63, 64, 65, 1, 2, 67]) {
      const prefix = `burst ${sent} `;
      await Promise.all(Array.from({ length: size }, (_, i) => publish(`${prefix}${i}`)));
      await waitFor(`a burst of ${size} to be applied`, async () => (await applied(prefix)) === size, WITHIN_MS);
    }
    expect(await redelivered()).toBe(0);
  });
});
