import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type JWTPayload, type CryptoKey } from 'jose';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { gatewayService } from '@gridwork/gateway-service/definition';
import { GATEWAY_ENV, baseUrlOf, httpClient, type HttpClient } from './fixtures/http.js';

const AUDIENCE = 'gridwork-console';
const PASSWORD = 'a long enough passphrase';

interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

const signingKey = async (kid: string, alg: string): Promise<SigningKey> => {
  const { publicKey, privateKey } = await generateKeyPair(alg);
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
};

/**
 * A real OpenID Connect issuer's public side, as the gateway meets it over
 * HTTP on loopback: its discovery document and its key set, whose keys the
 * test rotates.
 */
async function startIssuer() {
  const state = { published: [] as JWK[], keySetFetches: 0, discoveryFetches: 0 };
  const server: Server = createServer((request, response) => {
    const answer = (body: unknown) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (request.url === '/.well-known/openid-configuration') {
      state.discoveryFetches++;
      return answer({ issuer, jwks_uri: `${issuer}/keys`, id_token_signing_alg_values_supported: ['RS256', 'ES256'], response_types_supported: ['code'] });
    }
    if (request.url === '/keys') {
      state.keySetFetches++;
      return answer({ keys: state.published });
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { issuer, state, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * Signing in through an outside OpenID Connect issuer over HTTP: its token,
 * verified by its published keys, gets the gateway's own tokens for the
 * account an admin linked the person to; every way a token can be wrong is
 * refused with 401 and says why.
 */
describe('gateway sign-in through an OpenID Connect issuer', () => {
  let world: TestWorld;
  let http: HttpClient;
  let admin: string;
  let issuer: Awaited<ReturnType<typeof startIssuer>>;
  let rsa: SigningKey;
  let chen: { id: string };

  const mint = (claims: JWTPayload, key: SigningKey = rsa, header: Record<string, unknown> = {}) =>
    new SignJWT({ iss: issuer.issuer, aud: AUDIENCE, sub: 'ext-chen', ...claims })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header })
      .setIssuedAt()
      .setExpirationTime(typeof claims.exp === 'number' ? claims.exp : '5m')
      .sign(key.privateKey);
  const oidcSignIn = (token: string) => http.post('/auth/oidc', { token });
  const link = (accountId: string, subject: string, token = admin) => http.post(`/admin/accounts/${accountId}/oidc-links`, { subject }, token);

  beforeAll(async () => {
    issuer = await startIssuer();
    rsa = await signingKey('key-1', 'RS256');
    issuer.state.published = [rsa.jwk];
    world = await testWorld(['gateway']);
    Object.assign(process.env, GATEWAY_ENV, {
      GATEWAY_OIDC_ISSUER: issuer.issuer,
      GATEWAY_OIDC_AUDIENCE: `other-app, ${AUDIENCE}`,
      // No wait before a token with a new key id fetches the keys again, so that the rotation test need not sleep 30 s.
      GATEWAY_OIDC_KEYS_COOLDOWN_SECONDS: '0',
    });
    http = httpClient(await baseUrlOf(await world.start(gatewayService, 'gateway')));
    admin = (await http.signIn(GATEWAY_ENV.GATEWAY_ADMIN_USERNAME, GATEWAY_ENV.GATEWAY_ADMIN_PASSWORD)).accessToken;
    chen = (await http.post('/admin/accounts', { username: 'chen', displayName: 'Dispatcher Chen', password: PASSWORD, grants: [{ role: 'dispatcher', areaCode: 'T01' }] }, admin)).body;
  });
  afterAll(async () => {
    await world?.dispose();
    await issuer?.close();
  });

  it('signs a linked person in with the gateway’s own tokens: refresh, sign-out and the audit record as for a password', async () => {
    const linked = await link(chen.id, 'ext-chen');
    expect(linked).toMatchObject({ status: 201, body: { issuer: issuer.issuer, subject: 'ext-chen', accountId: chen.id } });

    const signedIn = await oidcSignIn(await mint({}));
    expect(signedIn).toMatchObject({ status: 200, body: { tokenType: 'Bearer', expiresIn: 900 } });
    expect(issuer.state.discoveryFetches).toBe(1);
    const me = await http.get('/auth/me', signedIn.body.accessToken);
    expect(me).toMatchObject({ status: 200, body: { accountId: chen.id, username: 'chen', grants: [{ role: 'dispatcher', areaCode: 'T01' }] } });

    const refreshed = await http.post('/auth/refresh', { refreshToken: signedIn.body.refreshToken });
    expect(refreshed.status).toBe(200);
    expect((await http.post('/auth/sign-out', undefined, refreshed.body.accessToken)).status).toBe(204);
    expect((await http.get('/auth/me', refreshed.body.accessToken)).status).toBe(401);

    const record = await http.get('/admin/audit?route=/auth/oidc&status=200', admin);
    expect(record.body.items[0]).toMatchObject({ method: 'POST', username: 'chen', address: expect.stringMatching(/127\.0\.0\.1/) });
    const links = await http.get(`/admin/accounts/${chen.id}/oidc-links`, admin);
    expect(links.body.items).toEqual([expect.objectContaining({ subject: 'ext-chen', lastSignInAt: expect.any(String) })]);
    // Only the session is the gateway's: the issuer's token itself is kept nowhere.
    expect(JSON.stringify(await world.query('gateway', `SELECT * FROM session`))).not.toContain('ext-chen');
  });

  it('refuses a wrong issuer, a wrong audience, an expired token, an unknown key, a forged signature and alg none, each saying why', async () => {
    const rogue = await signingKey('key-1', 'RS256');
    const unknownKey = await signingKey('key-unpublished', 'RS256');
    const now = Math.floor(Date.now() / 1000);
    const unsigned = (claims: object) =>
      `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify({ iss: issuer.issuer, aud: AUDIENCE, sub: 'ext-chen', exp: now + 300, ...claims })).toString('base64url')}.`;
    const cases: [string, string, RegExp][] = [
      ['wrong issuer', await mint({ iss: 'https://evil.example' }), /not issued by the configured OpenID Connect issuer \(its iss is "https:\/\/evil\.example"\)/],
      ['wrong audience', await mint({ aud: 'someone-else' }), /not for this gateway \(its aud is "someone-else"\)/],
      ['expired', await mint({ exp: now - 120, iat: now - 600 }), /has expired/],
      ['not valid yet', await mint({ nbf: now + 600 }), /nbf claim is not valid/],
      ['unknown key', await mint({}, unknownKey), /signed with a key the issuer does not publish/],
      ['forged signature', await mint({}, rogue), /signature does not verify/],
      ['alg none', unsigned({}), /signing algorithm is not allowed/],
      ['HS256 with the key as secret', await new SignJWT({ iss: issuer.issuer, aud: AUDIENCE, sub: 'ext-chen' }).setProtectedHeader({ alg: 'HS256', kid: 'key-1' }).setExpirationTime('5m').sign(new TextEncoder().encode(JSON.stringify(rsa.jwk))), /signing algorithm is not allowed/],
      ['unlinked subject', await mint({ sub: 'ext-stranger' }), /no account is linked to ext-stranger at http:\/\/127\.0\.0\.1:\d+: ask a platform admin to link it/],
      ['no subject', await mint({ sub: undefined }), /no sub claim/],
    ];
    for (const [what, token, message] of cases) {
      const answer = await oidcSignIn(token);
      expect({ what, status: answer.status, code: answer.body.code }).toEqual({ what, status: 401, code: 'UNAUTHENTICATED' });
      expect(answer.body.message, what).toMatch(message);
    }
    expect((await oidcSignIn('')).body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'token' }] });
    expect((await oidcSignIn('not a token at all, but long enough')).status).toBe(401);
    // Every refusal is in the audit record; none made a session.
    const refusals = await http.get('/admin/audit?route=/auth/oidc&status=401&limit=50', admin);
    expect(refusals.body.items.length).toBeGreaterThanOrEqual(cases.length);
    expect(refusals.body.items.map((r: { username?: string }) => r.username)).toContain('oidc:ext-stranger');
  });

  it('refuses a disabled account, and unlinking ends the sign-ins made through the link', async () => {
    const { body: wu } = await http.post('/admin/accounts', { username: 'wu', displayName: 'Wu', password: PASSWORD, grants: [] }, admin);
    expect((await link(wu.id, 'ext-wu')).status).toBe(201);
    const session = (await oidcSignIn(await mint({ sub: 'ext-wu' }))).body;
    expect((await http.get('/auth/me', session.accessToken)).body.username).toBe('wu');

    expect((await http.post(`/admin/accounts/${wu.id}/oidc-links/remove`, { subject: 'ext-wu' }, admin)).status).toBe(200);
    expect((await http.get('/auth/me', session.accessToken)).status).toBe(401);
    expect((await oidcSignIn(await mint({ sub: 'ext-wu' }))).body.message).toMatch(/no account is linked to ext-wu/);

    expect((await link(wu.id, 'ext-wu')).status).toBe(201);
    expect((await http.patch(`/admin/accounts/${wu.id}`, { disabled: true }, admin)).status).toBe(200);
    const disabled = await oidcSignIn(await mint({ sub: 'ext-wu' }));
    expect(disabled).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED', message: 'the account is disabled' } });
  });

  it('lets only platform admins link, one account to a person, naming every wrong field', async () => {
    expect((await link(chen.id, 'ext-chen')).body).toMatchObject({ code: 'CONFLICT' });
    const bad = await http.post(`/admin/accounts/${chen.id}/oidc-links`, { subject: '', issuer: 'not a url', extra: 1 }, admin);
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['extra', 'issuer', 'subject']);
    expect((await link('00000000-0000-7000-8000-000000000000', 'ext-nobody')).status).toBe(404);
    const chenToken = (await http.signIn('chen', PASSWORD)).accessToken;
    expect((await link(chen.id, 'ext-chen-2', chenToken)).status).toBe(403);
    const rows = await world.query<{ subject: string }>('gateway', `SELECT subject FROM oidc_link ORDER BY subject`);
    expect(rows.map((row) => row.subject)).toEqual(['ext-chen', 'ext-wu']);
  });

  it('finds a rotated key by its new key id, fetching the issuer’s keys again', async () => {
    const ec = await signingKey('key-2', 'ES256');
    const fetchesBefore = issuer.state.keySetFetches;
    // Before the issuer publishes it, a token under the new key is refused ...
    expect((await oidcSignIn(await mint({}, ec))).body.message).toMatch(/does not publish/);
    // ... and once it does (the old key retired), the same kind of token signs in.
    issuer.state.published = [ec.jwk];
    const rotated = await oidcSignIn(await mint({}, ec));
    expect(rotated.status).toBe(200);
    expect(issuer.state.keySetFetches).toBeGreaterThan(fetchesBefore);
  });

  it('answers 503 while the issuer cannot be reached, and 401 where no issuer is configured', async () => {
    const unreachable = await startIssuer();
    await unreachable.close();
    process.env.GATEWAY_OIDC_ISSUER = unreachable.issuer;
    const down = httpClient(await baseUrlOf(await world.start(gatewayService, 'gateway')));
    const answer = await down.post('/auth/oidc', { token: await mint({ iss: unreachable.issuer }) });
    expect(answer).toMatchObject({ status: 503, body: { code: 'UNAVAILABLE' } });
    expect(answer.body.message).toMatch(/could not read the OpenID Connect issuer's discovery document/);

    process.env.GATEWAY_OIDC_ISSUER = '';
    const none = httpClient(await baseUrlOf(await world.start(gatewayService, 'gateway')));
    expect((await none.post('/auth/oidc', { token: await mint({}) })).body).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/takes no OpenID Connect sign-in/) });
  });
});
