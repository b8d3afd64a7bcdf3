import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, GridworkError, operationsOf } from '@gridwork/contracts';
import { waitFor } from '@gridwork/testing';
import { probe, probeService, tallyBehaviour, tallyService } from './fixtures/probe.js';
import { testWorld, type TestWorld } from './world.js';

/** Proof 2: retries apply the effect once; a message that keeps failing is dead-lettered and can be replayed once. */
describe('consumer retries and dead letters', () => {
  let world: TestWorld;
  let tally: INestApplication;
  let probeApp: INestApplication;
  const tallyOps = operationsOf('tally');

  beforeAll(async () => {
    world = await testWorld(['probe', 'tally']);
    probeApp = await world.start(probeService(), 'probe');
    tally = await world.start(tallyService(), 'tally'); // EVENT_MAX_DELIVER=4 in tests
  });
  afterAll(() => world?.dispose());

  const tallied = (name: string) =>
    world.query<{ n: number }>('tally', 'SELECT count(*)::int AS n FROM tally WHERE name = $1', [name]).then((r) => r[0]!.n);

  it('applies an event once when its handler fails twice and then succeeds', async () => {
    tallyBehaviour.failuresLeft.set('flaky', 2);
    await world.client.request(probe.widget.create, { name: 'flaky', count: 1 });
    await waitFor('the third delivery to apply it', async () => (await tallied('flaky')) === 1);
    expect(tallyBehaviour.failuresLeft.get('flaky')).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(await tallied('flaky')).toBe(1);
  });

  const backlog = async (prefix: string, size: number) => {
    await world.stop(tally);
    for (let i = 0; i < size; i++) await world.client.request(probe.widget.create, { name: `${prefix}-${i}`, count: i });
    tally = await world.start(tallyService(), 'tally');
    const count = async () =>
      (await world.query<{ n: number }>('tally', 'SELECT count(*)::int AS n FROM tally WHERE name LIKE $1', [`${prefix}-%`]))[0]!.n;
    await waitFor(`the ${prefix} backlog to be applied`, async () => (await count()) === size);
    await new Promise((r) => setTimeout(r, 300));
    expect(await count()).toBe(size);
    // Rows written by one transaction share its id.
    const [{ transactions }] = await world.query<{ transactions: number }>(
      'tally',
      'SELECT count(DISTINCT xmin::text)::int AS transactions FROM tally WHERE name LIKE $1',
      [`${prefix}-%`],
    );
    return transactions;
  };

  it('applies a backlog of events in shared transactions', async () => {
    expect(await backlog('backlog', 30)).toBeLessThan(30);
  });

  it('applies every event of a backlog once when one of them fails on its first deliveries', async () => {
    tallyBehaviour.failuresLeft.set('mixed-7', 2);
    await backlog('mixed', 30);
    expect(tallyBehaviour.failuresLeft.get('mixed-7')).toBe(0);
  });

  it('dead-letters an event that always fails, with its error and delivery count, and replays it once after a fix', async () => {
    tallyBehaviour.poison.add('poison');
    const { id } = await world.client.request(probe.widget.create, { name: 'poison', count: 7 });
    const listed = await waitFor('the dead letter', async () => {
      const page = await world.client.request(tallyOps.deadLetter.list, { source: 'probe' });
      return page.items.length === 1 ? page : undefined;
    });
    const letter = listed.items[0]!;
    expect(letter).toMatchObject({
      source: 'probe',
      consumer: 'tally',
      subject: probe.widget.created.subject,
      schema: 'probe.widget.created/1',
      deliveries: 4,
      payload: { id, name: 'poison', count: 7 },
    });
    expect(letter.error).toMatch(/cannot handle poison/);
    expect(await tallied('poison')).toBe(0);

    // The consumer moved on: later events still flow.
    await world.client.request(probe.widget.create, { name: 'after-poison', count: 1 });
    await waitFor('later events to flow', async () => (await tallied('after-poison')) === 1);

    // Replay before the fix fails and keeps the letter.
    const failed = await world.client.request(tallyOps.deadLetter.replay, { sequence: letter.sequence }).catch((e: unknown) => e);
    expect((failed as GridworkError).code).toBe(ErrorCode.INTERNAL);
    expect((await world.client.request(tallyOps.deadLetter.list, {})).items).toHaveLength(1);

    tallyBehaviour.fixed = true;
    const replayed = await world.client.request(tallyOps.deadLetter.replay, { sequence: letter.sequence });
    expect(replayed).toEqual({ sequence: letter.sequence, outcome: 'applied' });
    expect(await tallied('poison')).toBe(1);
    expect((await world.client.request(tallyOps.deadLetter.list, {})).items).toHaveLength(0);

    const again = await world.client.request(tallyOps.deadLetter.replay, { sequence: letter.sequence }).catch((e: unknown) => e);
    expect((again as GridworkError).code).toBe(ErrorCode.NOT_FOUND);
    expect(await tallied('poison')).toBe(1);
  });

  it('dead-letters a malformed event at once instead of retrying it', async () => {
    const { headers } = await import('@nats-io/nats-core');
    const { jetstream } = await import('@nats-io/jetstream');
    const h = headers();
    h.set('Nats-Msg-Id', 'malformed-1');
    await jetstream(world.nc).publish(probe.widget.created.subject, JSON.stringify({ id: 'x', name: 42 }), { headers: h, msgID: 'malformed-1' });
    const letter = await waitFor('the malformed event to be dead-lettered', async () => {
      const page = await world.client.request(tallyOps.deadLetter.list, {});
      return page.items.find((item) => item.eventId === 'malformed-1');
    });
    expect(letter.deliveries).toBe(1);
    expect(letter.error).toMatch(/VALIDATION_FAILED/);
    expect(letter.error).toMatch(/count/);
  });

  it('keeps a dead letter whose event this service no longer handles, and says so', async () => {
    const { headers } = await import('@nats-io/nats-core');
    const { jetstream } = await import('@nats-io/jetstream');
    const h = headers();
    h.set('Gov-Dlq-Event-Id', 'retired-1');
    h.set('Gov-Dlq-Subject', 'gov.evt.probe.widget.retired');
    h.set('Gov-Dlq-Stream-Seq', '1');
    h.set('Gov-Dlq-Deliveries', '4');
    const ack = await jetstream(world.nc).publish('gov.dlq.tally.probe', JSON.stringify({ id: 'x' }), { headers: h });
    const error = (await world.client.request(tallyOps.deadLetter.replay, { sequence: ack.seq }).catch((e: unknown) => e)) as GridworkError;
    expect(error.code).toBe(ErrorCode.CONFLICT);
    expect(error.message).toMatch(/no longer handles gov\.evt\.probe\.widget\.retired/);
    const page = await world.client.request(tallyOps.deadLetter.list, {});
    expect(page.items.map((item) => item.sequence)).toContain(ack.seq);
  });

  it('validates the operator requests too', async () => {
    const error = (await world.client.request(tallyOps.deadLetter.list, { limit: 0 } as never).catch((e: unknown) => e)) as GridworkError;
    expect(error.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(error.details!.map((d) => d.field)).toEqual(['limit']);
  });

  it('shows its consumer\'s queue depths and its outbox backlog as metrics', async () => {
    const url = (await tally.getUrl()).replace('[::1]', '127.0.0.1');
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/gov_consumer_pending_messages\{[^}]*stream="GOV_PROBE"[^}]*consumer="tally"[^}]*\} 0/);
    expect(text).toMatch(/gov_consumer_ack_pending_messages\{[^}]*stream="GOV_PROBE"[^}]*\} \d+/);
    expect(text).toMatch(/gov_consumer_redelivered_messages\{[^}]*stream="GOV_PROBE"[^}]*\} \d+/);
    expect(text).toMatch(/gov_outbox_pending_events\{[^}]*\} 0/);
    expect(text).toMatch(/gov_events_consumed_total\{[^}]*outcome="dead_lettered"[^}]*\} [1-9]/);
    // The malformed event and the retired one are still there (the poisoned one was replayed and removed).
    expect(text).toMatch(/^gov_dead_letter_messages\{stream="GOV_TALLY_DLQ",service="tally"\} 2$/m);
    // Every applied event's wait in the stream was measured, and every event the probe published its wait in the outbox.
    const applied = Number(/^gov_events_consumed_total\{stream="GOV_PROBE",outcome="applied",service="tally"\} (\d+)$/m.exec(text)![1]);
    expect(text).toMatch(new RegExp(`^gov_event_delay_seconds_count\\{[^}]*stream="GOV_PROBE"[^}]*\\} ${applied}$`, 'm'));
    const probeUrl = (await probeApp.getUrl()).replace('[::1]', '127.0.0.1');
    const probeText = await (await fetch(`${probeUrl}/metrics`)).text();
    const published = Number(/^gov_outbox_published_total\{service="probe"\} (\d+)$/m.exec(probeText)![1]);
    expect(published).toBeGreaterThan(60);
    expect(probeText).toMatch(new RegExp(`^gov_outbox_publish_delay_seconds_count\\{service="probe"\\} ${published}$`, 'm'));
    expect(text).toMatch(/^gov_service_ready\{service="tally"\} 1$/m);
  });
});
