import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { request as rawRequest } from 'node:http';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { parse } from 'yaml';
import { operationsOf } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { admissionService } from '@gridwork/admission-service/definition';
import { dispatchService } from '@gridwork/dispatch-service/definition';
import { gatewayService } from '@gridwork/gateway-service/definition';
import { orgService } from '@gridwork/org-service/definition';
import { timebankService } from '@gridwork/timebank-service/definition';
import { GATEWAY_ENV, baseUrlOf, httpClient } from '@gridwork/gateway-service/test-fixtures';
import { startGridWithSmallCity } from '../fixtures/small-city.js';

/** Every route of the gateway, from its checked-in OpenAPI document. */
const DOCUMENT = parse(readFileSync(resolve(import.meta.dirname, '../../../apps/gateway/openapi.yaml'), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
const ROUTES = Object.entries(DOCUMENT.paths)
  .flatMap(([path, methods]) => Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })))
  // Signing out takes no input at all, and would end the admin's sign-in these tests act with (its own test is below).
  .filter((route) => route.path !== '/auth/sign-out');

/** What an attacker or a broken client sends in a field, a path segment or a query value. */
const HOSTILE_VALUES: unknown[] = [
  "'; DROP TABLE account; --",
  '" OR 1=1 --',
  '<script>alert(1)</script>',
  '../../../etc/passwd',
  '%00',
  '\u0000',
  '\ud800',
  'x'.repeat(10_000),
  -1,
  1e308,
  Number.MAX_SAFE_INTEGER + 2,
  true,
  null,
  [],
  {},
  { $ne: null },
  { __proto__: { admin: true } },
  ['a', { b: [1, 2, { c: '<img src=x onerror=alert(1)>' }] }],
];

/** A JSON value nested `depth` deep. */
const deep = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** Tables whose rows a refused request may add: the audit record of the refusal, rate counts, sign-ins. */
const BOOKKEEPING = new Set(['audit_record', 'rate_limit', 'session', 'refresh_token', 'migrations', 'inbox', 'outbox', 'typeorm_metadata']);

/**
 * Malformed, oversized and hostile inputs to every route of the gateway:
 * each gets a 4xx with the error body (never a 5xx), nothing is stored, and
 * every service stays up.
 */
describe('gateway: hostile input on every route', () => {
  let world: TestWorld;
  let base: string;
  let admin: string;
  const counts = async () => {
    const result: Record<string, number> = {};
    for (const db of ['grid', 'dispatch', 'admission', 'org', 'timebank', 'gateway']) {
      const tables = await world.query<{ name: string }>(db, `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`);
      for (const { name } of tables) {
        if (BOOKKEEPING.has(name)) continue;
        const [row] = await world.query<{ n: number }>(db, `SELECT count(*)::int AS n FROM "${name}"`);
        result[`${db}.${name}`] = row!.n;
      }
    }
    return result;
  };
  /** A path with each {parameter} replaced by `value`, encoded; a lone surrogate as the bytes it would be, which are not UTF-8. */
  const pathWith = (path: string, value: string) => {
    let encoded: string;
    try {
      encoded = encodeURIComponent(value);
    } catch {
      encoded = '%ED%A0%80';
    }
    return path.replace(/\{\w+\}/g, encoded);
  };
  const send = async (method: string, path: string, init: { token?: string; body?: string; type?: string; headers?: Record<string, string> } = {}) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(init.body !== undefined ? { 'content-type': init.type ?? 'application/json' } : {}),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...init.headers,
      },
      body: init.body,
    });
    return { status: response.status, text: await response.text() };
  };
  /** A 4xx with an error body: the gateway's `{code, message}`, or GeoReport's `[{code, description}]` under /open311. */
  const refusedProperly = (where: string, answer: { status: number; text: string }) => {
    expect({ where, status: answer.status >= 400 && answer.status < 500 ? '4xx' : answer.status }).toEqual({ where, status: '4xx' });
    // Node itself answers a request line or headers over its limit (431), before any route, with no body.
    if (answer.status === 431) return;
    expect({ where, status: answer.status, empty: answer.text === '' }).toEqual({ where, status: answer.status, empty: false });
    const isXml = answer.text.startsWith('<?xml');
    if (isXml) expect(answer.text, where).toMatch(/<errors>/);
    else {
      const body = JSON.parse(answer.text) as { code?: unknown } | { code: number; description: string }[];
      expect(Array.isArray(body) ? body[0]?.description : body.code, where).toBeTruthy();
    }
  };

  beforeAll(async () => {
    world = await testWorld(['grid', 'dispatch', 'admission', 'org', 'timebank', 'gateway']);
    await world.start(dispatchService, 'dispatch');
    await world.start(admissionService, 'admission');
    await world.start(orgService, 'org');
    await world.start(timebankService, 'timebank');
    await startGridWithSmallCity(world);
    Object.assign(process.env, GATEWAY_ENV);
    base = await baseUrlOf(await world.start(gatewayService, 'gateway'));
    admin = (await httpClient(base).signIn(GATEWAY_ENV.GATEWAY_ADMIN_USERNAME, GATEWAY_ENV.GATEWAY_ADMIN_PASSWORD)).accessToken;
  });
  afterAll(() => world?.dispose());

  it('has the routes to try', () => {
    expect(ROUTES.length).toBeGreaterThan(80);
  });

  it('refuses hostile bodies, query values and path segments on every route, as a platform admin, stores nothing, and records every write', async () => {
    const before = await counts();
    const audited = async () => (await world.query<{ n: number }>('gateway', `SELECT count(*)::int AS n FROM audit_record`))[0]!.n;
    const auditedBefore = await audited();
    let writes = 0;
    for (const { method, path } of ROUTES) {
      const hasParameters = /\{\w+\}/.test(path);
      for (const value of HOSTILE_VALUES) {
        const text = typeof value === 'string' ? value : JSON.stringify(value);
        const target = hasParameters ? pathWith(path, text) : path;
        if (method === 'GET') {
          // An unknown field and a hostile value for a field the route may have.
          const answer = await send('GET', `${target}?${new URLSearchParams({ 'x-hostile': text, limit: text, code: text })}`, { token: admin });
          if (!path.startsWith('/docs') && !path.startsWith('/open311') && !path.startsWith('/console')) refusedProperly(`GET ${target} ?${text.slice(0, 30)}`, answer);
          else expect(answer.status, `GET ${target}`).toBeLessThan(500);
        } else {
          const body = JSON.stringify({ [String(text).slice(0, 50)]: value, code: value, name: value, actor: value, caseId: value, id: value });
          const answer = await send(method, target, { token: admin, body });
          refusedProperly(`${method} ${target} ${text.slice(0, 30)}`, answer);
          // Refused before any route, so with no record: an over-long request line (431, by Node) and a
          // path segment that is not UTF-8 (400, by Express's router, which cannot decode the parameter).
          if (answer.status !== 431 && !(hasParameters && target.includes('%ED%A0%80'))) writes++;
        }
      }
    }
    expect(await counts()).toEqual(before);
    // Each refused write that reached a route is in the audit record, also one whose path held a NUL (PostgreSQL cannot store it as is).
    expect((await audited()) - auditedBefore).toBe(writes);
  }, 300_000);

  it('refuses malformed bodies: not JSON, the wrong type, too deep, too large, bad UTF-8 and an unknown content type', async () => {
    const before = await counts();
    const writes = ROUTES.filter((route) => route.method !== 'GET');
    const bodies: { name: string; body: string; type?: string }[] = [
      { name: 'truncated JSON', body: '{"name": "x"' },
      { name: 'a JSON string', body: '"just a string"' },
      { name: 'a JSON array', body: '[1, 2, 3]' },
      { name: 'deep JSON', body: deep(5_000) },
      { name: 'bad UTF-8', body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]).toString('latin1') },
      { name: 'XML as JSON', body: '<a>1</a>' },
      { name: 'text/plain', body: 'name=x', type: 'text/plain' },
      { name: 'too large', body: JSON.stringify({ name: 'x'.repeat(200_000) }) },
    ];
    for (const { method, path } of writes) {
      for (const { name, body, type } of bodies) {
        refusedProperly(`${method} ${path} ${name}`, await send(method, pathWith(path, 'T01'), { token: admin, body, type }));
      }
    }
    expect(await counts()).toEqual(before);
  }, 300_000);

  it('refuses random JSON bodies on every write (fast-check, a fixed seed)', async () => {
    const before = await counts();
    const writes = ROUTES.filter((route) => route.method !== 'GET');
    await fc.assert(
      // Non-empty: an empty body is a valid request to some routes (a calendar change of nothing).
      fc.asyncProperty(fc.constantFrom(...writes), fc.object({ maxDepth: 3, maxKeys: 6 }).filter((body) => Object.keys(body).length > 0), async ({ method, path }, body) => {
        const answer = await send(method, pathWith(path, 'T01'), { token: admin, body: JSON.stringify(body) });
        return answer.status >= 400 && answer.status < 500;
      }),
      { seed: 20261207, numRuns: 300 },
    );
    expect(await counts()).toEqual(before);
  }, 300_000);

  it('refuses forged, expired, malformed and missing tokens, and huge headers, on every signed-in route', async () => {
    const sign = (secret: string, exp: number) =>
      new SignJWT({ sid: '00000000-0000-7000-8000-000000000000' }).setProtectedHeader({ alg: 'HS256' }).setIssuer('gridwork-gateway').setSubject('x').setExpirationTime(exp).sign(new TextEncoder().encode(secret));
    const tokens = [
      await sign('not the secret, but long enough to sign with', Math.floor(Date.now() / 1000) + 600),
      await sign(GATEWAY_ENV.GATEWAY_TOKEN_SECRET, Math.floor(Date.now() / 1000) - 60),
      'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
      'not-a-token',
      `${admin}x`,
    ];
    for (const { method, path } of ROUTES.filter((route) => !route.path.startsWith('/docs') && !route.path.startsWith('/open311') && !route.path.startsWith('/console') && !['/auth/sign-in', '/auth/oidc', '/auth/refresh'].includes(route.path))) {
      for (const token of tokens) {
        const answer = await send(method, pathWith(path, 'T01'), { token, ...(method === 'GET' ? {} : { body: '{}' }) });
        expect({ route: `${method} ${path}`, status: answer.status }).toEqual({ route: `${method} ${path}`, status: 401 });
      }
    }
    // A header larger than Node takes: refused before any route (431), and the gateway carries on.
    const status = await new Promise<number>((done, fail) => {
      const url = new URL(`${base}/auth/me`);
      const req = rawRequest({ host: url.hostname, port: url.port, path: url.pathname, headers: { authorization: `Bearer ${'a'.repeat(40_000)}` } }, (res) => {
        res.resume();
        done(res.statusCode!);
      });
      req.on('error', fail);
      req.end();
    });
    expect(status).toBe(431);
  }, 120_000);

  it('signs out whatever the body, and then takes the token no more', async () => {
    const { accessToken } = await httpClient(base).signIn(GATEWAY_ENV.GATEWAY_ADMIN_USERNAME, GATEWAY_ENV.GATEWAY_ADMIN_PASSWORD);
    expect((await send('POST', '/auth/sign-out', { token: accessToken, body: deep(5_000) })).status).toBeLessThan(500);
    expect((await send('GET', '/auth/me', { token: accessToken })).status).toBe(401);
  });

  it('leaves every service up', async () => {
    const client = world.client;
    for (const service of ['grid', 'dispatch', 'admission', 'org', 'timebank', 'gateway']) {
      expect((await client.request(operationsOf(service).health.check, {})).status).toBe('up');
    }
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
  });
});
