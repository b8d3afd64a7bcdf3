import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { gatewayService } from '@gridwork/gateway-service/definition';
import { GATEWAY_ENV, baseUrlOf } from './fixtures/http.js';

const ADMIN = { username: GATEWAY_ENV.GATEWAY_ADMIN_USERNAME, password: GATEWAY_ENV.GATEWAY_ADMIN_PASSWORD };

/**
 * Rate limits that hold across two gateway replicas on one database, per
 * client address (told by a trusted proxy here), per token and for sign-in;
 * and the headers every answer carries.
 */
describe('gateway rate limits and headers', () => {
  let world: TestWorld;
  let replicas: string[];
  let token: string;
  let n = 0;
  /** A request through the replicas in turn, from `address` as the proxy in front says. */
  const call = (path: string, address: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
    fetch(`${replicas[n++ % replicas.length]}${path}`, { ...init, headers: { 'x-forwarded-for': address, ...init.headers } });
  const signIn = (address: string, password = 'wrong password') =>
    call('/auth/sign-in', address, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: ADMIN.username, password }) });

  beforeAll(async () => {
    world = await testWorld(['gateway']);
    Object.assign(process.env, GATEWAY_ENV, {
      GATEWAY_RATE_LIMIT_PER_ADDRESS: '12',
      GATEWAY_RATE_LIMIT_PER_TOKEN: '6',
      GATEWAY_SIGN_IN_PER_ADDRESS: '3',
      GATEWAY_LOCKOUT_FAILURES: '100',
      GATEWAY_TRUST_PROXY: 'loopback',
      GATEWAY_CORS_ORIGINS: 'https://console.example.org',
    });
    replicas = [await baseUrlOf(await world.start(gatewayService, 'gateway')), await baseUrlOf(await world.start(gatewayService, 'gateway'))];
    const answer = await signIn('10.9.9.9', ADMIN.password);
    token = ((await answer.json()) as { accessToken: string }).accessToken;
  });
  afterAll(() => world?.dispose());

  it('limits sign-in attempts per address, across replicas, whatever the account', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await signIn('10.0.0.1')).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const limited = await signIn('10.0.0.1', ADMIN.password);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toEqual({ code: 'RATE_LIMITED', message: 'too many requests: wait and try again (see Retry-After)' });
    // Another address is not held back.
    expect((await signIn('10.0.0.2', ADMIN.password)).status).toBe(200);
  });

  it('counts OpenID Connect sign-ins in the same sign-in limit', async () => {
    const oidc = (address: string) => call('/auth/oidc', address, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'not a token from any issuer at all' }) });
    const statuses = [(await signIn('10.0.0.3')).status, (await oidc('10.0.0.3')).status, (await oidc('10.0.0.3')).status, (await oidc('10.0.0.3')).status, (await signIn('10.0.0.3')).status];
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it('limits requests per address over all routes, and per token whatever the address; never health or metrics', async () => {
    const fromOne = [];
    for (let i = 0; i < 13; i++) fromOne.push((await call(i % 2 ? '/docs/openapi.json' : '/auth/me', '10.0.1.1')).status);
    expect(fromOne.slice(0, 12).every((status) => status !== 429)).toBe(true);
    expect(fromOne[12]).toBe(429);

    const withToken = [];
    for (let i = 0; i < 7; i++) withToken.push((await call('/auth/me', `10.0.2.${i}`, { headers: { authorization: `Bearer ${token}` } })).status);
    // The sign-in that made the token was one request with no token; these six are the token's.
    expect(withToken).toEqual([200, 200, 200, 200, 200, 200, 429]);

    for (let i = 0; i < 30; i++) expect((await call(i % 2 ? '/health/live' : '/metrics', '10.0.1.1')).status).toBe(200);
  });

  it('counts and times answers by route pattern and status for operators, refused ones too', async () => {
    const metricsOf = async (replica: string) => (await (await fetch(`${replica}/metrics`)).text()).split('\n');
    const before = await metricsOf(replicas[0]!);
    for (const path of ['/grid/workers/0190a000-0000-7000-8000-000000000001', '/grid/workers/0190a000-0000-7000-8000-000000000002']) {
      expect((await fetch(`${replicas[0]}${path}`, { headers: { 'x-forwarded-for': '10.0.3.1' } })).status).toBe(401);
    }
    expect((await fetch(`${replicas[0]}/no/such/route`, { headers: { 'x-forwarded-for': '10.0.3.1' } })).status).toBe(404);
    const after = await metricsOf(replicas[0]!);
    // Every series also carries the service label.
    const value = (lines: string[], series: string) => Number(lines.find((line) => line.startsWith(`${series.slice(0, -1)},service="gateway"} `))?.split(' ')[1] ?? 0);
    const unauthenticated = 'gov_http_requests_total{method="GET",route="/grid/workers/:id",status="401"}';
    expect(value(after, unauthenticated) - value(before, unauthenticated)).toBe(2);
    expect(value(after, 'gov_http_requests_total{method="GET",route="unmatched",status="404"}')).toBeGreaterThanOrEqual(1);
    // Rate-limited answers, from the earlier tests, are counted as 429 with their route.
    expect(after.some((line) => /^gov_http_requests_total\{method="POST",route="\/auth\/sign-in",status="429",service="gateway"\} [1-9]/.test(line))
      || (await metricsOf(replicas[1]!)).some((line) => /^gov_http_requests_total\{method="POST",route="\/auth\/sign-in",status="429",service="gateway"\} [1-9]/.test(line))).toBe(true);
    expect(after.some((line) => line.startsWith('gov_http_request_duration_seconds_count{') && line.includes('route="/grid/workers/:id"'))).toBe(true);
    // No series per id.
    expect(after.some((line) => line.includes('0190a000-0000-7000'))).toBe(false);
  });

  it('sends security headers, and allows CORS for the configured origin only', async () => {
    const answer = await call('/docs', '10.0.3.1');
    expect(answer.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect(answer.headers.get('x-powered-by')).toBeNull();
    const allowed = await call('/auth/sign-in', '10.0.3.2', { method: 'OPTIONS', headers: { origin: 'https://console.example.org', 'access-control-request-method': 'POST' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://console.example.org');
    const other = await call('/auth/sign-in', '10.0.3.3', { method: 'OPTIONS', headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
