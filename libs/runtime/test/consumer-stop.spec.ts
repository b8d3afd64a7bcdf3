import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { testNats } from '@gridwork/testing';
import { startDurableConsumer } from '@gridwork/client';

/**
 * A consumer whose stream does not exist yet waits for it with a growing
 * delay (up to 10 s). Stopping it must not wait out that delay: `npm start`
 * gives a service 10 s to stop before it kills it.
 */
describe('a durable consumer waiting for its stream', () => {
  let nats: Awaited<ReturnType<typeof testNats>>;
  let nc: NatsConnection;

  beforeAll(async () => {
    nats = await testNats();
    nc = await connect({ servers: nats.url });
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.dispose();
  });

  it('stops at once, in the middle of a wait, and tries no more', async () => {
    let waits = 0;
    let fourthWait!: () => void;
    const fourth = new Promise<void>((resolve) => (fourthWait = resolve));
    const consumer = await startDurableConsumer(nc, {
      stream: 'GOV_NOWHERE',
      durable: 'stop-test',
      filterSubject: 'gov.evt.nowhere.>',
      handle: async () => undefined,
      giveUp: async () => undefined,
      onWaiting: () => {
        waits += 1;
        if (waits === 4) fourthWait();
      },
    });
    // The waits are 250, 500, 1,000 and then 2,000 ms: stop early in the fourth.
    await fourth;
    const stopped = await Promise.race([
      consumer.stop().then(() => 'stopped'),
      new Promise((resolve) => setTimeout(() => resolve('still waiting out the delay'), 1_500)),
    ]);
    expect(stopped).toBe('stopped');
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(waits).toBe(4);
  });
});
