import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { Headers, operationsOf, schemaHeader } from '@gridwork/contracts';
import { waitFor } from '@gridwork/testing';
import { probe, probeService, tallyBehaviour, tallyService } from './fixtures/probe.js';
import { testWorld, type TestWorld } from './world.js';

const ACK_WAIT_MS = 1_000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A dead-lettered event is settled: JetStream never sends it again, so one bad
 * event makes one dead letter and leaves nothing pending. (`+TERM` with a
 * reason is not understood by nats-server 2.9, the server of the development
 * machines: it ignored it, sent the event again after ack wait, and it was
 * dead-lettered again.)
 */
describe('one bad event, one dead letter', () => {
  let world: TestWorld;
  let tally: INestApplication;
  const tallyOps = operationsOf('tally');

  beforeAll(async () => {
    world = await testWorld(['probe', 'tally']);
    await world.start(probeService(), 'probe');
    tally = await world.start(tallyService(), 'tally', { EVENT_ACK_WAIT_MS: String(ACK_WAIT_MS) });
  });
  afterAll(() => world?.dispose());

  const lettersFor = async (eventId: string) => (await world.client.request(tallyOps.deadLetter.list, {})).items.filter((item) => item.eventId === eventId);
  const consumerInfo = async () => (await jetstreamManager(world.nc)).consumers.info('GOV_PROBE', 'tally');
  const deadLettered = async () => {
    const url = (await tally.getUrl()).replace('[::1]', '127.0.0.1');
    const text = await (await fetch(`${url}/metrics`)).text();
    return Number(/gov_events_consumed_total\{[^}]*outcome="dead_lettered"[^}]*\} (\d+)/.exec(text)?.[1] ?? 0);
  };
  /** Waits out several ack waits, in which an unsettled event would have come back. */
  const settled = async () => {
    await pause(ACK_WAIT_MS * 3.5);
    const info = await consumerInfo();
    return { ackPending: info.num_ack_pending, redelivered: info.num_redelivered };
  };

  it('dead-letters a malformed event once and settles it', async () => {
    const h = natsHeaders();
    h.set(Headers.schema, schemaHeader(probe.widget.created));
    await jetstream(world.nc).publish(probe.widget.created.subject, JSON.stringify({ id: 'x', name: 42 }), { headers: h, msgID: 'malformed-once' });
    await waitFor('the dead letter', async () => (await lettersFor('malformed-once')).length === 1);
    expect(await settled()).toEqual({ ackPending: 0, redelivered: 0 });
    expect(await lettersFor('malformed-once')).toHaveLength(1);
    expect(await deadLettered()).toBe(1);
  });

  it('dead-letters an event that fails on every delivery once and settles it', async () => {
    tallyBehaviour.poison.add('poison-once');
    const { id } = await world.client.request(probe.widget.create, { name: 'poison-once', count: 1 });
    const [{ event_id: eventId }] = await world.query<{ event_id: string }>('probe', 'SELECT id::text AS event_id FROM outbox WHERE payload->>\'id\' = $1', [id]);
    await waitFor('the dead letter', async () => (await lettersFor(eventId!)).length === 1);
    const before = await consumerInfo();
    await pause(ACK_WAIT_MS * 3.5);
    const after = await consumerInfo();
    expect(after.num_ack_pending).toBe(0);
    // Its retries were redeliveries; none may follow the dead letter.
    expect(after.num_redelivered).toBe(before.num_redelivered);
    expect(await lettersFor(eventId!)).toHaveLength(1);
    expect(await deadLettered()).toBe(2);
  });
});
