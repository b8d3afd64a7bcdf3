import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { credsAuthenticator } from '@nats-io/nats-core';
import { createAccount, createUser, fromSeed } from '@nats-io/nkeys';
import { decode, encodeAccount, encodeUser, fmtCreds } from '@nats-io/jwt';
import { connect } from '@nats-io/transport-node';
import type { INestApplication } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { DEPARTMENT_NOTICES, ErrorCode, subjects, type Case, type GridworkError } from '@gridwork/contracts';
import { GridworkClient, decodeJson } from '@gridwork/client';
import { startTestService } from '@gridwork/runtime/test-world';
import { createTestDatabase, waitFor, type TestDatabase } from '@gridwork/testing';
import { dispatchService } from '@gridwork/dispatch-service/definition';
import { gridService } from '@gridwork/grid-service/definition';
import { admissionService } from '@gridwork/admission-service/definition';
import { smallCity } from '@gridwork/grid-service/test-fixtures';
import { startShippedNats, type ShippedNats } from '../shipped-nats.js';

const errorOf = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as GridworkError & { code: string });

/**
 * The shipped NATS configuration with accounts: the real dispatch service in
 * the PLATFORM account with its issued credentials, departments in accounts
 * of their own, reaching it through service imports; a department added and
 * revoked on the running server.
 */
describe('deploy/nats: departments in accounts of their own, on a live nats-server', () => {
  let nats: ShippedNats;
  let db: TestDatabase;
  let gridDb: TestDatabase;
  let admissionDb: TestDatabase;
  let dispatch: INestApplication;
  let grid: INestApplication;
  let admission: INestApplication;
  let platform: NatsConnection;
  /** A platform caller (the gateway service's user), as operators' requests arrive. */
  let gateway: GridworkClient;

  beforeAll(async () => {
    nats = await startShippedNats({ services: ['dispatch', 'grid', 'admission', 'gateway'], departments: ['housing', 'water'] });
    db = await createTestDatabase('gridwork_dispatch');
    gridDb = await createTestDatabase('gridwork_grid');
    admissionDb = await createTestDatabase('gridwork_admission');
    // Both services with their own users' least rights: grid's events reach dispatch's read models, dispatch asks grid for boundaries.
    grid = await startTestService(gridService, { DATABASE_URL: gridDb.url, NATS_URL: nats.url, NATS_CREDS_FILE: join(nats.creds, 'grid.creds') });
    // Admission too: it reads grid's and dispatch's events, and dispatch reads its.
    admission = await startTestService(admissionService, { DATABASE_URL: admissionDb.url, NATS_URL: nats.url, NATS_CREDS_FILE: join(nats.creds, 'admission.creds') });
    dispatch = await startTestService(dispatchService, {
      DATABASE_URL: db.url,
      NATS_URL: nats.url,
      NATS_CREDS_FILE: join(nats.creds, 'dispatch.creds'),
      DEPARTMENTS: 'housing,water',
    });
    // The dispatch service's user, to read its streams.
    platform = await nats.connectAs('dispatch');
    gateway = new GridworkClient(await nats.connectAs('gateway'), { timeoutMs: 10_000 });
  }, 120_000);
  afterAll(async () => {
    await dispatch?.close();
    await admission?.close();
    await grid?.close();
    await nats?.dispose();
    await db?.drop();
    await gridDb?.drop();
    await admissionDb?.drop();
  });

  it("takes a department's report through its account and delivers the case's notice to its consumer: grid, dispatch and the department each with their own rights", async () => {
    await gateway.request(subjects.grid.area.import, { featureCollection: smallCity() });
    await gateway.request(subjects.dispatch.category.define, {
      code: 'roads',
      name: 'Roads and pavements',
      responsible: { kind: 'department', department: 'housing' },
      acceptHours: 2,
      completeHours: 24,
      hoursKind: 'calendar',
    });
    const housing = new GridworkClient(await nats.connectAs('housing'), { department: 'housing', timeoutMs: 10_000 });
    // Dispatch learns the grids from grid's events (its consumer on GOV_GRID) and asks grid for their boundaries.
    let reported: Case | undefined;
    await waitFor('a case placed in a grid', async () => {
      const { case: c } = await housing.request(subjects.dispatch.case.report, {
        idempotencyKey: `housing-ticket-${Date.now()}`,
        channel: 'department',
        categoryCode: 'roads',
        description: 'Collapsed pavement in front of building 3',
        location: { longitude: 113.005, latitude: 23.01 },
      });
      reported = c;
      return c.gridCode ? c : undefined;
    }, 30_000);
    expect(reported).toMatchObject({ reportingDepartment: 'housing', owner: { kind: 'department', department: 'housing' } });
    const seen: string[] = [];
    const consumer = await housing.consumeAddressed(DEPARTMENT_NOTICES, {}, async (notice) => {
      if (notice.kind === 'assigned') seen.push(notice.caseId);
    });
    try {
      await waitFor("housing's assignment notice", () => seen.includes(reported!.id) || undefined);
    } finally {
      await consumer.stop();
    }
    // Admission serves the department through its own import too.
    expect((await housing.request(subjects.admission.item.list, {})).items).toEqual([]);
  });

  it('serves a department through its import, as that department, with the reply routed back by the server', async () => {
    const housing = new GridworkClient(await nats.connectAs('housing'), { department: 'housing', timeoutMs: 5_000 });
    const missing = await errorOf(housing.request(subjects.dispatch.case.get, { idOrNumber: '2026112300000001' }));
    expect(missing?.code).toBe(ErrorCode.NOT_FOUND);
    const page = await housing.request(subjects.dispatch.case.list, { limit: 5 });
    expect(page.items.every((c) => c.owner?.department === 'housing')).toBe(true);
  });

  it('gives a steered reply subject nowhere to go: the server replaces it and the service answers only the caller', async () => {
    const nc = await nats.connectAs('housing');
    const jsm = await jetstreamManager(platform);
    // Each service's user reads its own streams.
    const gridJsm = await jetstreamManager(await nats.connectAs('grid'));
    const counts = async () =>
      Promise.all([
        ...['GOV_DISPATCH', 'GOV_DISPATCH_DLQ'].map(async (s) => (await jsm.streams.info(s)).state.messages),
        ...['GOV_GRID', 'GOV_GRID_DLQ'].map(async (s) => (await gridJsm.streams.info(s)).state.messages),
      ]);
    const before = await counts();
    const steered = [
      'gov.evt.dispatch.notice.water.assigned',
      'gov.evt.grid.area.changed',
      'gov.ext.water.dispatch.case.report',
      '$JS.API.STREAM.PURGE.GOV_DISPATCH',
      '$JS.API.STREAM.DELETE.GOV_DISPATCH',
      '$JS.API.STREAM.PURGE.GOV_GRID',
      '_INBOX_water.stolen',
    ];
    // Each reply lands, if anywhere, in housing's own account: listen there too (its user may subscribe only to its inbox).
    const own = nc.subscribe('_INBOX_housing.>');
    const ownReplies: string[] = [];
    void (async () => {
      for await (const m of own) ownReplies.push(m.subject);
    })();
    for (const reply of steered) nc.publish('gov.ext.housing.dispatch.case.get', JSON.stringify({ idOrNumber: '2026112300000001' }), { reply });
    // JetStream's own replies, steered the same way: its consumer's info, and a pull from it.
    for (const reply of steered) {
      nc.publish('gridwork.API.CONSUMER.INFO.GOV_DISPATCH.housing', '', { reply });
      nc.publish('gridwork.API.CONSUMER.MSG.NEXT.GOV_DISPATCH.housing', JSON.stringify({ batch: 1, expires: 200_000_000 }), { reply });
    }
    await nc.flush();
    await sleep(700);
    // Nothing forged in dispatch's streams, nothing purged or deleted; the replies went to subjects of housing's own account, where nobody listens.
    expect(await counts()).toEqual(before);
    expect(ownReplies).toEqual([]);
    const served = await (await fetch(`${(await dispatch.getUrl()).replace('[::1]', '127.0.0.1')}/metrics`)).text();
    expect(served).toMatch(/gov_requests_total\{subject="gov\.dispatch\.case\.get",outcome="NOT_FOUND",service="dispatch"\} [2-9]/);
    expect(served).not.toMatch(/gov_requests_refused_total\{/);
  });

  it("gives another service no way to steer dispatch's reply either: its rights name where replies go", async () => {
    // A compromised service (gateway's user here) asks dispatch with a reply-to dispatch's own rights would reach.
    const gatewayNc = await nats.connectAs('gateway');
    const jsm = await jetstreamManager(platform);
    const counts = async () => Promise.all(['GOV_DISPATCH', 'GOV_DISPATCH_DLQ'].map(async (s) => (await jsm.streams.info(s)).state.messages));
    const before = await counts();
    expect(before[0]).toBeGreaterThan(0);
    for (const reply of ['$JS.API.STREAM.PURGE.GOV_DISPATCH', '$JS.API.STREAM.PURGE.GOV_DISPATCH_DLQ', 'gov.evt.dispatch.notice.water.assigned', 'gov.ext.water.dispatch.case.report']) {
      gatewayNc.publish('gov.dispatch.case.get', JSON.stringify({ idOrNumber: '2026112300000001' }), { reply });
    }
    await gatewayNc.flush();
    await sleep(700);
    expect(await counts()).toEqual(before);
    // Its own request still gets its answer on its own inbox.
    expect((await errorOf(gateway.request(subjects.dispatch.case.get, { idOrNumber: '2026112300000001' })))?.code).toBe(ErrorCode.NOT_FOUND);
  });

  it('adds a department on the running server, and revokes it: its connection is closed, it cannot sign in again, and issued again only its new user works', async () => {
    await expect(nats.connectAs('parks')).rejects.toThrow(); // no credentials yet
    const added = nats.issue(['department', 'parks'], { push: true });
    expect(added).toMatch(/pushed parks/);
    expect(added).toMatch(/pushed PLATFORM/);
    const parksNc = await nats.connectAs('parks');
    const parks = new GridworkClient(parksNc, { department: 'parks', timeoutMs: 5_000 });
    expect((await parks.request(subjects.dispatch.case.list, { limit: 1 })).items).toEqual([]);

    const revoked = nats.issue(['revoke', 'parks'], { push: true });
    expect(revoked).toMatch(/pushed parks/);
    await waitFor('the revoked connection closed', () => parksNc.isClosed() || undefined);
    const again = await nats.connectAs('parks').catch((e: unknown) => e);
    expect(String(again)).toMatch(/authorization|authentication/i);
    // Issued again: a new user works, the one from before stays refused.
    const before = readFileSync(join(nats.creds, 'parks.creds'));
    expect(nats.issue(['department', 'parks'], { push: true })).toMatch(/pushed parks/);
    const reissued = new GridworkClient(await nats.connectAs('parks'), { department: 'parks', timeoutMs: 5_000 });
    expect((await reissued.request(subjects.dispatch.case.list, { limit: 1 })).items).toEqual([]);
    const old = await connect({ servers: nats.url, authenticator: credsAuthenticator(before), reconnect: false }).catch((e: unknown) => e);
    expect(String(old)).toMatch(/authorization|authentication/i);
    // The others are untouched.
    const housing = new GridworkClient(await nats.connectAs('housing'), { department: 'housing', timeoutMs: 5_000 });
    expect((await housing.request(subjects.dispatch.case.list, { limit: 1 })).items).toHaveLength(1);
  });

  it("lets no account import another department's services: the exports need an activation token bound to that department's account", async () => {
    // An account the operator signed (as a mistaken or stolen issue would), importing water's requests:
    // once without a token, once with housing's token for the same export, once with water's own.
    const operator = fromSeed(new TextEncoder().encode(readFileSync(join(nats.creds, 'operator.nk'), 'utf8').trim()));
    const platformKey = fromSeed(new TextEncoder().encode(readFileSync(join(nats.creds, 'accounts', 'PLATFORM.nk'), 'utf8').trim())).getPublicKey();
    const tokenOf = (code: string) =>
      decode<{ imports: Array<{ subject: string; token: string }> }>(readFileSync(join(nats.creds, 'accounts', `${code}.jwt`), 'utf8').trim()).nats.imports!.find(
        (i) => i.subject === `gov.ext.${code}.>`,
      )!.token;
    const sys = await nats.connectAs('sys', { inbox: false });
    const outcomes: Record<string, string> = {};
    for (const [name, token] of [['no token', undefined], ["housing's token", tokenOf('housing')], ["water's token", tokenOf('water')]] as const) {
      const rogue = createAccount();
      const jwt = await encodeAccount('rogue', rogue, {
        limits: { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 },
        imports: [{ name: 'water-requests', subject: 'gov.ext.water.>', account: platformKey, type: 'service', ...(token ? { token } : {}) }],
      }, { signer: operator });
      const pushed = (await sys.request('$SYS.REQ.CLAIMS.UPDATE', jwt, { timeout: 5_000 })).json<{ error?: { description?: string } }>();
      if (pushed.error) {
        // The resolver refuses an account whose token names another account.
        outcomes[name] = /activation token doesn't match account/.test(pushed.error.description ?? '') ? 'refused by the resolver' : JSON.stringify(pushed.error);
        continue;
      }
      const user = createUser();
      const nc = await connect({ servers: nats.url, authenticator: credsAuthenticator(fmtCreds(await encodeUser('rogue', user, rogue), user)), reconnect: false });
      const client = new GridworkClient(nc, { department: 'water', timeoutMs: 2_000 });
      outcomes[name] = await client.request(subjects.dispatch.case.list, { limit: 1 }).then(
        () => 'served as water',
        (e: GridworkError) => e.code,
      );
      await nc.close();
    }
    // Without a token the import is not honoured: nobody serves the request.
    expect(outcomes).toEqual({ 'no token': 'UNAVAILABLE', "housing's token": 'refused by the resolver', "water's token": 'refused by the resolver' });
    // Water itself is served.
    const water = new GridworkClient(await nats.connectAs('water'), { department: 'water', timeoutMs: 5_000 });
    expect((await water.request(subjects.dispatch.case.list, { limit: 1 })).items).toEqual([]);
  });

  it("gives each department's consumer to it alone, made by dispatch from DEPARTMENTS", async () => {
    const jsm = await jetstreamManager(platform);
    for (const code of ['housing', 'water']) {
      const info = await jsm.consumers.info('GOV_DISPATCH', code);
      expect({ filter: info.config.filter_subject, deliver: info.config.deliver_subject }).toEqual({ filter: `gov.evt.dispatch.notice.${code}.>`, deliver: undefined });
    }
    const water = await nats.connectAs('water');
    // Water asks for housing's consumer under its own import prefix: it has no such import, and its user may not publish there.
    const raw = await water.request('gridwork.API.CONSUMER.INFO.GOV_DISPATCH.housing', '', { timeout: 2_000 }).catch((e: unknown) => e);
    expect(String((raw as Error).cause ?? raw)).toMatch(/permissions violation/i);
    const own = decodeJson((await water.request('gridwork.API.CONSUMER.INFO.GOV_DISPATCH.water', '', { timeout: 2_000 })).data) as { name?: string };
    expect(own.name).toBe('water');
  });
});
