import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { credsAuthenticator, headers, type NatsConnection } from '@nats-io/nats-core';
import { createAccount, createUser } from '@nats-io/nkeys';
import { encodeUser, fmtCreds } from '@nats-io/jwt';
import { connect } from '@nats-io/transport-node';
import {
  AREA_IMPORT_BUCKET,
  DEPARTMENT_JS_API_PREFIX,
  Headers,
  SERVICES,
  addressedSubjectOf,
  deadLetterStreamOf,
  deadLetterSubjectOf,
  eventSubjectsOf,
  schemaHeader,
  serviceInboxOf,
  streamNameOf,
  subjects,
} from '@gridwork/contracts';
import { DEFAULT_RETRY } from '@gridwork/client';
import { ensureDepartmentConsumers, ensureServiceStreams } from '@gridwork/messaging';
import { NATS_DIR, startShippedNats, type ShippedNats } from '../shipped-nats.js';

interface ServicePermissionsModule {
  SERVICES: string[];
  BUCKETS: Record<string, string[]>;
  streamOf(service: string): string;
  deadLetterStreamOf(service: string): string;
  serviceInboxOf(service: string): string;
  servicePermissions(service: string): { pub: { allow: string[] }; sub: { allow: string[] } };
}

/** The text of an error and its causes. */
const textOf = (error: unknown): string => {
  let text = '';
  for (let e = error as { message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) text += ` ${e.message}`;
  return text;
};

/** A publish the server refuses: the request fails with its permissions violation. */
async function refusedPublish(nc: NatsConnection, subject: string, body = '{}'): Promise<string> {
  const error = await nc.request(subject, body, { timeout: 2_000 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  return /permissions violation/i.test(textOf(error)) ? 'refused' : `not refused (${textOf(error) || 'answered'})`;
}

/** A subscription the server refuses: it is closed with the permissions violation. */
async function refusedSubscribe(nc: NatsConnection, subject: string): Promise<string> {
  const sub = nc.subscribe(subject);
  const closed = await Promise.race([sub.closed.then((e) => e ?? 'closed'), new Promise((r) => setTimeout(() => r('open'), 2_000))]);
  sub.unsubscribe();
  return /permissions violation/i.test(textOf(closed)) ? 'refused' : `not refused (${textOf(closed) || String(closed)})`;
}

/** Every attempt of a list, each with its outcome, so that a failure names all that got through. */
const allRefused = async (nc: NatsConnection, publish: string[], subscribe: string[] = []) => {
  const outcomes = await Promise.all([
    ...publish.map(async (s) => [`pub ${s}`, await refusedPublish(nc, s)] as const),
    ...subscribe.map(async (s) => [`sub ${s}`, await refusedSubscribe(nc, s)] as const),
  ]);
  return Object.fromEntries(outcomes.filter(([, outcome]) => outcome !== 'refused'));
};

/**
 * The attacks of issue #10 and the rest of its matrix, against nats-server
 * with the shipped configuration and the credentials issue-credentials.mjs
 * issues: departments housing and water, and every service's user with the
 * rights derived for it.
 */
describe('deploy/nats: the isolation matrix on a live nats-server', () => {
  let nats: ShippedNats;
  const users: Record<string, NatsConnection> = {};
  let permissions: ServicePermissionsModule;

  beforeAll(async () => {
    permissions = (await import(join(NATS_DIR, 'service-permissions.mjs'))) as ServicePermissionsModule;
    nats = await startShippedNats({ services: [...SERVICES], departments: ['housing', 'water'] });
    for (const name of [...SERVICES, 'housing', 'water']) users[name] = await nats.connectAs(name);
    // Each service provisions its streams with its own user, as at start; dispatch makes the departments' consumers.
    for (const service of SERVICES) await ensureServiceStreams(await jetstreamManager(users[service]!), service, 1);
    await ensureDepartmentConsumers(await jetstreamManager(users.dispatch!), 'dispatch', ['housing', 'water'], DEFAULT_RETRY, { warn: () => undefined } as never);
    // Dispatch's own consumer on grid's stream, as its read models make it.
    await jetstreamManager(users.dispatch!).then((jsm) =>
      jsm.consumers.add('GOV_GRID', { durable_name: 'dispatch', ack_policy: AckPolicy.Explicit, filter_subject: 'gov.evt.grid.>' }),
    );
    const h = headers();
    h.set(Headers.schema, schemaHeader(subjects.dispatch.notice.assigned));
    await jetstream(users.dispatch!).publish(addressedSubjectOf(subjects.dispatch.notice.assigned, 'water'), '{}', { headers: h });
  }, 60_000);
  afterAll(() => nats?.dispose());

  it("derives each service's rights from the names libs/contracts and libs/messaging use", () => {
    expect(permissions.SERVICES).toEqual([...SERVICES]);
    expect(permissions.BUCKETS).toEqual({ grid: [AREA_IMPORT_BUCKET] });
    for (const service of SERVICES) {
      expect(permissions.streamOf(service)).toBe(streamNameOf(service));
      expect(permissions.deadLetterStreamOf(service)).toBe(deadLetterStreamOf(service));
      expect(permissions.serviceInboxOf(service)).toBe(serviceInboxOf(service));
      const { pub } = permissions.servicePermissions(service);
      expect(pub.allow).toContain(eventSubjectsOf(service));
      expect(pub.allow).toContain(`${deadLetterSubjectOf(service, '*').slice(0, -2)}.>`);
    }
  });

  it('refuses a department everything but its own requests, notices and consumer', async () => {
    const housing = users.housing!;
    const js = (api: string) => [`$JS.API.${api}`, `${DEPARTMENT_JS_API_PREFIX}.${api}`];
    expect(
      await allRefused(
        housing,
        [
          // Cross-department: acting as water, its notices, events and the platform's own subjects.
          'gov.ext.water.dispatch.case.report',
          'gov.ext.water.dispatch.case.get',
          'gov.evt.dispatch.notice.water.assigned',
          'gov.evt.dispatch.notice.housing.assigned',
          'gov.evt.grid.area.changed',
          'gov.dispatch.case.get',
          'gov.dlq.dispatch.grid',
          // Another's consumer: create, modify, delete, info, pull, ack; its own: create, modify, delete.
          ...js('CONSUMER.CREATE.GOV_DISPATCH.water.gov.evt.dispatch.notice.water.>'),
          ...js('CONSUMER.CREATE.GOV_DISPATCH.housing.gov.evt.dispatch.notice.housing.>'),
          ...js('CONSUMER.CREATE.GOV_DISPATCH.housing'),
          ...js('CONSUMER.DURABLE.CREATE.GOV_DISPATCH.housing'),
          ...js('CONSUMER.DELETE.GOV_DISPATCH.water'),
          ...js('CONSUMER.DELETE.GOV_DISPATCH.housing'),
          ...js('CONSUMER.INFO.GOV_DISPATCH.water'),
          ...js('CONSUMER.MSG.NEXT.GOV_DISPATCH.water'),
          ...js('CONSUMER.LIST.GOV_DISPATCH'),
          '$JS.ACK.GOV_DISPATCH.water.1.1.1.1.0',
          // Streams: info, get, direct get, purge, delete, list.
          ...js('STREAM.INFO.GOV_DISPATCH'),
          ...js('STREAM.MSG.GET.GOV_DISPATCH'),
          ...js('DIRECT.GET.GOV_DISPATCH'),
          ...js('STREAM.PURGE.GOV_DISPATCH'),
          ...js('STREAM.DELETE.GOV_DISPATCH'),
          ...js('STREAM.PURGE.GOV_GRID'),
          ...js('STREAM.LIST'),
          ...js('INFO'),
          // The service protocol and the system account.
          '$SRV.PING',
          '$SRV.INFO.dispatch',
          '$SRV.STATS.dispatch',
          '$SYS.REQ.SERVER.PING',
          '$SYS.REQ.CLAIMS.UPDATE',
          '$SYS.REQ.ACCOUNT.PING.CONNZ',
          // Inboxes.
          '_INBOX_water.stolen',
          '_INBOX.x',
          '_INBOX_dispatch.x',
        ],
        ['>', 'gov.>', 'gov.evt.>', 'gov.ext.>', 'gov.evt.dispatch.notice.>', 'gov.evt.dispatch.notice.water.>', 'gov.ext.housing.>', '_INBOX.>', '_INBOX_water.>', '_INBOX_dispatch.>', '$SRV.>', '$SYS.>', '$JS.>'],
      ),
    ).toEqual({});
  });

  it("keeps a department's account empty of the platform: what its user may publish reaches only its own imports", async () => {
    // Its own consumer, through its import; water's notice is not in it.
    const housing = users.housing!;
    const info = JSON.parse(new TextDecoder().decode((await housing.request(`${DEPARTMENT_JS_API_PREFIX}.CONSUMER.INFO.GOV_DISPATCH.housing`, '', { timeout: 2_000 })).data));
    expect({ name: info.name, pending: info.num_pending }).toEqual({ name: 'housing', pending: 0 });
    // A request on its own subject with nobody serving it: no responders, not another account's service.
    const none = await housing.request('gov.ext.housing.dispatch.case.get', '{}', { timeout: 2_000 }).catch((e: unknown) => e);
    // (across an import nats-server 2.9 sends no "no responders": the request times out)
    expect(textOf(none)).toMatch(/no responders|503|timeout/i);
  });

  it("refuses each service user another service's rights: no forged event, no acting as a department, no purge or delete, no other consumer", async () => {
    const outcomes: Record<string, object> = {};
    for (const service of SERVICES) {
      const other = service === 'dispatch' ? 'grid' : 'dispatch';
      const OTHER = streamNameOf(other);
      const OWN = streamNameOf(service);
      outcomes[service] = await allRefused(
        users[service]!,
        [
          `gov.evt.${other}.case.reported`,
          ...(service === 'dispatch' ? [] : ['gov.evt.dispatch.notice.housing.assigned']),
          `gov.dlq.${other}.${service}`,
          'gov.ext.housing.dispatch.case.report',
          'gov.ext.water.grid.area.get',
          `$JS.API.STREAM.PURGE.${OTHER}`,
          `$JS.API.STREAM.DELETE.${OTHER}`,
          `$JS.API.STREAM.UPDATE.${OTHER}`,
          `$JS.API.STREAM.MSG.GET.${OTHER}`,
          `$JS.API.STREAM.MSG.DELETE.${OTHER}`,
          `$JS.API.DIRECT.GET.${OTHER}`,
          `$JS.API.STREAM.PURGE.${OWN}`,
          `$JS.API.STREAM.DELETE.${OWN}`,
          `$JS.API.STREAM.DELETE.${OWN}_DLQ`,
          `$JS.API.STREAM.CREATE.GOV_STOLEN`,
          '$JS.API.STREAM.LIST',
          // Departments' consumers: take over, pull, ack (dispatch makes them but never reads them).
          '$JS.API.CONSUMER.MSG.NEXT.GOV_DISPATCH.housing',
          '$JS.ACK.GOV_DISPATCH.housing.1.1.1.1.0',
          ...(service === 'dispatch' ? [] : ['$JS.API.CONSUMER.CREATE.GOV_DISPATCH.housing.gov.evt.dispatch.notice.housing.>', '$JS.API.CONSUMER.DELETE.GOV_DISPATCH.housing']),
          // Another service's consumer.
          ...(service === 'dispatch'
            ? ['$JS.API.CONSUMER.MSG.NEXT.GOV_GRID.grid', '$JS.API.CONSUMER.CREATE.GOV_GRID.grid.gov.evt.grid.>', '$JS.API.CONSUMER.DELETE.GOV_GRID.grid']
            : [`$JS.API.CONSUMER.MSG.NEXT.GOV_GRID.dispatch`, `$JS.API.CONSUMER.CREATE.GOV_GRID.dispatch.gov.evt.grid.>`, `$JS.API.CONSUMER.DELETE.GOV_GRID.dispatch`, `$JS.ACK.GOV_GRID.dispatch.1.1.1.1.0`]),
          '_INBOX_housing.x',
          '_INBOX.x',
          '$SYS.REQ.SERVER.PING',
        ],
        ['>', 'gov.>', 'gov.evt.>', 'gov.ext.>', `gov.${other}.>`, 'gov.evt.dispatch.notice.housing.>', '_INBOX.>', `_INBOX_${other}.>`, '_INBOX_housing.>', '$JS.API.>', '$SYS.>'],
      );
    }
    expect(outcomes).toEqual(Object.fromEntries(SERVICES.map((s) => [s, {}])));
  });

  it('lets each service use its own rights: its streams, its events and dead letters, its consumer on another stream, requests to another service', async () => {
    for (const service of SERVICES) {
      const nc = users[service]!;
      const jsm = await jetstreamManager(nc);
      expect((await jsm.streams.info(streamNameOf(service))).config.name).toBe(streamNameOf(service));
      await jetstream(nc).publish(`gov.evt.${service}.probe.checked`, '{}');
      await jetstream(nc).publish(deadLetterSubjectOf(service, 'grid'), '{}');
      const source = service === 'grid' ? 'GOV_DISPATCH' : 'GOV_GRID';
      await jsm.consumers.add(source, { durable_name: service, ack_policy: AckPolicy.Explicit, filter_subject: source === 'GOV_GRID' ? 'gov.evt.grid.>' : 'gov.evt.dispatch.case.>' });
      expect((await jsm.consumers.info(source, service)).name).toBe(service);
      const consumer = await jetstream(nc).consumers.get(source, service);
      await consumer.next({ expires: 1_000 });
      const letter = await jsm.streams.getMessage(deadLetterStreamOf(service), { last_by_subj: deadLetterSubjectOf(service, 'grid') });
      expect(letter?.subject).toBe(deadLetterSubjectOf(service, 'grid'));
    }
    // A request from one service to another, answered once on the caller's own inbox.
    const responder = users.grid!.subscribe('gov.grid.area.get', { callback: (_e, m) => void m.respond('{"ok":true,"data":null}') });
    await users.grid!.flush();
    const reply = await users.dispatch!.request('gov.grid.area.get', '{}', { timeout: 2_000 });
    expect(reply.json()).toEqual({ ok: true, data: null });
    responder.unsubscribe();
  });

  it('refuses an unknown key, a wrong key, no credentials, and a message over the size limit', async () => {
    const attempt = (options: object) => connect({ servers: nats.url, reconnect: false, ...options }).then(
      async (nc) => {
        await nc.close();
        return 'connected';
      },
      (e: unknown) => textOf(e),
    );
    // A user signed by an account the operator never issued.
    const stranger = createUser();
    const strangerJwt = await encodeUser('stranger', stranger, createAccount());
    expect(await attempt({ authenticator: credsAuthenticator(fmtCreds(strangerJwt, stranger)) })).toMatch(/authorization violation/i);
    // Housing's JWT with another key's seed: it cannot sign the server's challenge.
    const housingCreds = readFileSync(join(nats.creds, 'housing.creds'), 'utf8');
    const wrongSeed = new TextDecoder().decode(createUser().getSeed());
    const forged = housingCreds.replace(/SU[A-Z2-7]{56}/, wrongSeed);
    expect(forged).not.toBe(housingCreds);
    const forgedPath = resolve(nats.creds, 'forged.creds');
    writeFileSync(forgedPath, forged);
    expect(await attempt({ authenticator: credsAuthenticator(readFileSync(forgedPath)) })).toMatch(/authorization violation/i);
    expect(await attempt({})).toMatch(/authorization violation/i);
    // The server's max_payload (1MB): the client refuses to send more, and the connection stays up.
    const housing = users.housing!;
    expect(housing.info?.max_payload).toBe(1024 * 1024);
    expect(() => housing.publish('gov.ext.housing.dispatch.case.report', new Uint8Array(1024 * 1024 + 1))).toThrow(/payload/i);
    expect(housing.isClosed()).toBe(false);
  });
});
