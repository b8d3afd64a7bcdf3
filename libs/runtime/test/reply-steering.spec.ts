import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstreamManager } from '@nats-io/jetstream';
import { createInbox } from '@nats-io/nats-core';
import { GridworkClient, decodeJson } from '@gridwork/client';
import { probe, probeService } from './fixtures/probe.js';
import { testWorld, type TestWorld } from './world.js';

/**
 * Defence in depth against a steered reply: NATS checks the subject a client
 * publishes on, never its reply-to, and a service answers with its own
 * rights. A department's request is answered only on that department's inbox
 * (or a server-made service-import reply subject); anything else is refused
 * without a reply, without running the handler, logged and counted.
 */
describe('a department request whose reply subject is not its own inbox', () => {
  let world: TestWorld;
  let http: string;

  beforeAll(async () => {
    world = await testWorld(['probe']);
    const app = await world.start(probeService(), 'probe');
    http = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(() => world?.dispose());

  const body = (name: string) => JSON.stringify({ name, count: 1 });
  const widgetsNamed = async (prefix: string) =>
    (await world.query<{ name: string }>('probe', 'SELECT name FROM widget WHERE name LIKE $1 ORDER BY name', [`${prefix}%`])).map((r) => r.name);
  const streamMessages = async () => (await (await jetstreamManager(world.nc)).streams.info('GOV_PROBE')).state.messages;

  it('is refused with no reply published, the handler never runs, and the refusal is counted per department', async () => {
    // One event in the stream, so that a purge would show.
    await world.client.request(probe.widget.create, { name: 'before', count: 1 });
    await sleep(500);
    expect(await streamMessages()).toBe(1);

    // Whatever the service publishes for the attacker lands on one of these; the test listens on all of them.
    const heard: string[] = [];
    for (const subject of ['gov.>', '_INBOX_water.>', '$JS.API.>', 'steer.>']) {
      world.nc.subscribe(subject, {
        callback: (_e, m) => {
          heard.push(`${m.subject} ${new TextDecoder().decode(m.data).slice(0, 60)}`);
        },
      });
    }
    await world.nc.flush();
    heard.length = 0;

    const steered = [
      'gov.evt.dispatch.notice.water.assigned', // a forged notice to another department
      'gov.evt.probe.widget.created', // a fake event in the service's own stream
      'gov.ext.water.probe.widget.create', // acting as another department
      '$JS.API.STREAM.PURGE.GOV_PROBE', // emptying a stream
      '_INBOX_water.stolen', // another department's inbox
      '_INBOX_housing', // its own prefix without the separator (another inbox prefix could start with it)
      'steer.anywhere',
    ];
    for (const [i, reply] of steered.entries()) world.nc.publish('gov.ext.housing.probe.widget.create', body(`steered-${i}`), { reply });
    world.nc.publish('gov.ext.housing.probe.widget.create', body('no-reply'));
    await world.nc.flush();
    await sleep(700);

    const ours = heard.filter((h) => !h.startsWith('gov.ext.housing.probe.widget.create '));
    expect(ours).toEqual([]);
    expect(await widgetsNamed('steered-')).toEqual([]);
    expect(await widgetsNamed('no-reply')).toEqual([]);
    expect(await streamMessages()).toBe(1);

    const metrics = await (await fetch(`${http}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`gov_requests_refused_total\\{department="housing",reason="reply_subject",service="probe"\\} ${steered.length}\\b`));
    expect(metrics).toMatch(/gov_requests_refused_total\{department="housing",reason="no_reply",service="probe"\} 1\b/);
  });

  it("refuses a platform caller's request whose reply subject is not an inbox: the service's own events are among its rights", async () => {
    const before = await streamMessages();
    for (const [i, reply] of ['gov.evt.probe.widget.created', '$JS.API.STREAM.PURGE.GOV_PROBE', 'gov.ext.water.probe.widget.create'].entries()) {
      world.nc.publish('gov.probe.widget.create', body(`platform-steered-${i}`), { reply });
    }
    await world.nc.flush();
    await sleep(700);
    expect(await widgetsNamed('platform-steered-')).toEqual([]);
    expect(await streamMessages()).toBe(before);
    const metrics = await (await fetch(`${http}/metrics`)).text();
    expect(metrics).toMatch(/gov_requests_refused_total\{department="platform",reason="reply_subject",service="probe"\} 3\b/);
    // A platform caller's own inbox, default or a service's, is answered.
    expect((await world.client.request(probe.widget.create, { name: 'platform-inbox', count: 1 })).id).toBeDefined();
    const service = await world.nc.request(probe.widget.create.subject, body('service-inbox'), { timeout: 5_000, noMux: true, reply: createInbox('_INBOX_dispatch') });
    expect(decodeJson(service.data)).toMatchObject({ ok: true });
  });

  it("answers on the department's own inbox", async () => {
    const housing = new GridworkClient(world.nc, { department: 'housing', timeoutMs: 5_000 });
    expect((await housing.request(probe.widget.create, { name: 'own-inbox', count: 1 })).actingDepartment).toBe('housing');

    const own = await world.nc.request('gov.ext.housing.probe.widget.create', body('own-inbox-raw'), { timeout: 5_000, noMux: true, reply: createInbox('_INBOX_housing') });
    expect(decodeJson(own.data)).toMatchObject({ ok: true, data: { actingDepartment: 'housing' } });
    expect(await widgetsNamed('own-inbox')).toEqual(['own-inbox', 'own-inbox-raw']);
    // A reply subject nats-server makes for a service import (_R_.…) is delivered only across accounts:
    // tools/deploy/test/nats-accounts.spec.ts requests through one.
  });
});
