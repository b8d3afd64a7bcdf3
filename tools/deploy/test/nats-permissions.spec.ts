import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import {
  DEPARTMENT_NOTICES,
  ErrorCode,
  Headers,
  addressedSubjectOf,
  schemaHeader,
  subjects,
  type DepartmentNotice,
  type GridworkError,
  type NoticeKind,
} from '@gridwork/contracts';
import { DEFAULT_RETRY, GridworkClient } from '@gridwork/client';
import { ensureDepartmentConsumers, ensureServiceStreams, natsAuthenticator } from '@gridwork/messaging';
import { waitFor } from '@gridwork/testing';
import { startShippedNats, type ShippedNats } from '../shipped-nats.js';

/** What a refused publish looks like to a client: the request fails with the server's permissions violation. */
async function refused(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected the server to refuse').toBeDefined();
  let text = '';
  for (let e = error as { message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) text += ` ${e.message}`;
  expect(text).toMatch(/permissions violation/i);
  return text;
}

/**
 * The production NATS configuration in deploy/nats, run by a live
 * nats-server with users issued by issue-credentials.mjs: a department
 * system consumes its own notices durably and is refused every way of
 * reading another department's.
 */
describe('deploy/nats: department permissions on a live nats-server', () => {
  let nats: ShippedNats;
  let service: NatsConnection;
  const departments: Record<string, NatsConnection> = {};
  let sequence = 0;
  const platformWarnings: string[] = [];
  /** Housing's notice published in the push-consumer test: its pull consumer has it first. */
  let noticeWhilePushRefused = '';

  /** The dispatch service publishes a notice as its outbox relay does. */
  const notify = async (department: string, kind: NoticeKind = 'assigned'): Promise<string> => {
    const caseId = `0190f0f0-0000-7000-8000-${String(++sequence).padStart(12, '0')}`;
    const event = subjects.dispatch.notice[kind];
    const notice: DepartmentNotice = { department, kind, caseId, caseNumber: `20261123${String(sequence).padStart(8, '0')}`, at: new Date().toISOString() };
    const h = headers();
    h.set(Headers.schema, schemaHeader(event));
    await jetstream(service).publish(addressedSubjectOf(event, department), JSON.stringify(notice), { msgID: caseId, headers: h });
    return caseId;
  };

  beforeAll(async () => {
    nats = await startShippedNats({ services: ['dispatch'], departments: ['housing', 'water'] });
    // The dispatch service signs in with its .creds file, as in Kubernetes.
    service = await connect({ servers: nats.url, authenticator: natsAuthenticator(join(nats.creds, 'dispatch.creds')), inboxPrefix: '_INBOX_dispatch' });
    const jsm = await jetstreamManager(service);
    await ensureServiceStreams(jsm, 'dispatch', 1);
    // A leftover of the old rights: housing had made itself a push consumer delivering to water's inbox.
    await jsm.consumers.add('GOV_DISPATCH', { durable_name: 'housing', ack_policy: AckPolicy.Explicit, deliver_subject: '_INBOX_water.stolen' });
    // What dispatch does at start with DEPARTMENTS=housing,water.
    await ensureDepartmentConsumers(jsm, 'dispatch', ['housing', 'water'], DEFAULT_RETRY, { warn: (_o: object, message: string) => void platformWarnings.push(message) } as never);
    departments.housing = await nats.connectAs('housing');
    departments.water = await nats.connectAs('water');
  });

  afterAll(async () => {
    await service?.close().catch(() => undefined);
    await nats?.dispose();
  });

  it("refuses a department every way of consuming another department's notices", async () => {
    const housing = departments.housing!;
    const water = departments.water!;
    await notify('water');
    const client = new GridworkClient(housing, { department: 'housing', timeoutMs: 2_000 });
    const local = await client.consume(subjects.dispatch.notice.assigned, { durable: 'housing', department: 'water' }, async () => undefined).catch((e: GridworkError) => e);
    expect((local as GridworkError).code).toBe(ErrorCode.FORBIDDEN);

    // A department's account has no JetStream of its own: $JS.API.INFO is not imported.
    const jsm = await jetstreamManager(housing, { timeout: 2_000, checkAPI: false });
    // Its own consumer name with another department's filter, or another department's consumer name.
    await refused(jsm.consumers.add('GOV_DISPATCH', { durable_name: 'housing', ack_policy: AckPolicy.Explicit, filter_subject: 'gov.evt.dispatch.notice.water.>' }));
    await refused(jsm.consumers.add('GOV_DISPATCH', { durable_name: 'water', ack_policy: AckPolicy.Explicit, filter_subject: 'gov.evt.dispatch.notice.water.>' }));
    await refused(jsm.consumers.add('GOV_DISPATCH', { durable_name: 'housing', ack_policy: AckPolicy.Explicit }));
    await refused(housing.request('$JS.API.CONSUMER.DURABLE.CREATE.GOV_DISPATCH.housing', JSON.stringify({ stream_name: 'GOV_DISPATCH', config: { durable_name: 'housing' } })));
    await refused(housing.request('$JS.API.CONSUMER.CREATE.GOV_DISPATCH', JSON.stringify({ stream_name: 'GOV_DISPATCH', config: { ack_policy: 'explicit' } })));

    // Its own consumer on its own notices: the platform makes it, the department may not (nor change it).
    await refused(
      housing.request(
        '$JS.API.CONSUMER.CREATE.GOV_DISPATCH.housing.gov.evt.dispatch.notice.housing.>',
        JSON.stringify({ stream_name: 'GOV_DISPATCH', config: { durable_name: 'housing', ack_policy: 'explicit', filter_subject: 'gov.evt.dispatch.notice.housing.>' } }),
        { timeout: 2_000 },
      ),
    );

    // Water's own consumer exists; housing can neither read its state nor pull from it.
    const waterSeen: string[] = [];
    const waterConsumer = await new GridworkClient(water, { department: 'water' }).consumeAddressed(DEPARTMENT_NOTICES, {}, async (notice) => {
      waterSeen.push(notice.caseId);
    });
    await waitFor("water's notice", () => waterSeen.length === 1);
    await waterConsumer.stop();
    await refused(housing.request('$JS.API.CONSUMER.INFO.GOV_DISPATCH.water', '', { timeout: 2_000 }));
    await refused(housing.request('$JS.API.CONSUMER.MSG.NEXT.GOV_DISPATCH.water', JSON.stringify({ batch: 1, expires: 1_000_000_000 }), { timeout: 2_000 }));
    await refused(housing.request('$JS.API.STREAM.INFO.GOV_DISPATCH', '', { timeout: 2_000 }));
    await refused(housing.request('$JS.API.STREAM.MSG.GET.GOV_DISPATCH', JSON.stringify({ seq: 1 }), { timeout: 2_000 }));
    await refused(housing.request('$JS.API.CONSUMER.DELETE.GOV_DISPATCH.water', '', { timeout: 2_000 }));

    // Live: it may hear its own notices, not another's; nor forge one.
    const other = housing.subscribe('gov.evt.dispatch.notice.water.>');
    const closed = await Promise.race([other.closed, new Promise((r) => setTimeout(() => r('open'), 2_000))]);
    expect(String(closed)).toMatch(/permissions violation/i);
    await refused(housing.request('gov.evt.dispatch.notice.housing.assigned', '{}', { timeout: 2_000 }));
    await refused(housing.request('gov.ext.water.dispatch.case.get', '{}', { timeout: 2_000 }));
  });

  it('refuses a department a push consumer that would deliver its notices to another inbox, and the platform replaces one left from before', async () => {
    const housing = departments.housing!;
    const water = departments.water!;
    const stolen = water.subscribe('_INBOX_water.>');
    await water.flush();
    const heardByWater: string[] = [];
    void (async () => {
      for await (const m of stolen) heardByWater.push(m.subject);
    })();
    // The attack from issue #10: the department's own consumer, its own filter, and a deliver_subject of water's inbox.
    for (const deliver of ['_INBOX_water.stolen', 'gov.evt.dispatch.notice.water.assigned', '_INBOX_housing.push']) {
      await refused(
        housing.request(
          '$JS.API.CONSUMER.CREATE.GOV_DISPATCH.housing.gov.evt.dispatch.notice.housing.>',
          JSON.stringify({
            stream_name: 'GOV_DISPATCH',
            config: { durable_name: 'housing', ack_policy: 'explicit', filter_subject: 'gov.evt.dispatch.notice.housing.>', deliver_subject: deliver },
          }),
          { timeout: 2_000 },
        ),
      );
    }
    await refused(housing.request('$JS.API.CONSUMER.CREATE.GOV_DISPATCH.housing', JSON.stringify({ stream_name: 'GOV_DISPATCH', config: { durable_name: 'housing', deliver_subject: '_INBOX_water.x' } }), { timeout: 2_000 }));
    await refused(housing.request('$JS.API.CONSUMER.DELETE.GOV_DISPATCH.housing', '', { timeout: 2_000 }));
    noticeWhilePushRefused = await notify('housing');
    await new Promise((r) => setTimeout(r, 500));
    expect(heardByWater).toEqual([]);
    stolen.unsubscribe();

    // The push consumer made under the old rights was replaced by the platform's pull consumer on housing's notices.
    expect(platformWarnings).toEqual([expect.stringMatching(/the consumer housing on GOV_DISPATCH was not the platform's pull consumer/)]);
    const info = await (await jetstreamManager(service)).consumers.info('GOV_DISPATCH', 'housing');
    expect({ deliver: info.config.deliver_subject, filter: info.config.filter_subject, ack: info.config.ack_policy }).toEqual({
      deliver: undefined,
      filter: 'gov.evt.dispatch.notice.housing.>',
      ack: AckPolicy.Explicit,
    });
  });

  it('lets a department consume its own notices durably, resuming after a stop, and make requests on its own subjects', async () => {
    const housing = departments.housing!;
    const client = new GridworkClient(housing, { department: 'housing', timeoutMs: 2_000 });
    const first = [await notify('housing'), await notify('water'), await notify('housing', 'whistled')];
    const seen: string[] = [];
    const consume = () =>
      client.consumeAddressed(DEPARTMENT_NOTICES, {}, async (notice, meta) => {
        expect(meta.subject.startsWith('gov.evt.dispatch.notice.housing.')).toBe(true);
        seen.push(notice.caseId);
      });
    let consumer = await consume();
    // Its consumer was made by the platform before any notice: it has the one from the push-consumer test too.
    await waitFor('its three notices', () => seen.length === 3);
    await consumer.stop();
    const whileAway = await notify('housing', 'reminded');
    consumer = await consume();
    await waitFor('the notice published while away', () => seen.length === 4);
    await new Promise((r) => setTimeout(r, 300));
    await consumer.stop();
    expect(seen).toEqual([noticeWhilePushRefused, first[0], first[2], whileAway]);

    // Core NATS: its own notices live, and replies on its own inbox prefix.
    const live = housing.subscribe('gov.evt.dispatch.notice.housing.>', { max: 1 });
    await housing.flush();
    const heard = (async () => {
      for await (const m of live) return m.subject;
      return undefined;
    })();
    await notify('housing', 'supervised');
    expect(await heard).toBe('gov.evt.dispatch.notice.housing.supervised');
    const responder = service.subscribe('gov.ext.housing.dispatch.case.get', { callback: (_e, m) => void m.respond(JSON.stringify({ ok: true, data: { served: true } })) });
    await service.flush();
    const reply = await housing.request('gov.ext.housing.dispatch.case.get', '{}', { timeout: 2_000 });
    expect(JSON.parse(new TextDecoder().decode(reply.data))).toEqual({ ok: true, data: { served: true } });
    responder.unsubscribe();
  });
});
