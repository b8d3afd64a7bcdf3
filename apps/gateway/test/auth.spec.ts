import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { gatewayService } from '@gridwork/gateway-service/definition';
import { GATEWAY_ENV, baseUrlOf, httpClient, type HttpClient } from './fixtures/http.js';

const ADMIN = { username: GATEWAY_ENV.GATEWAY_ADMIN_USERNAME, password: GATEWAY_ENV.GATEWAY_ADMIN_PASSWORD };
const PASSWORD = 'a long enough passphrase';

/**
 * Signing in over HTTP, as a person's browser or app does: local accounts
 * with argon2id hashes, short-lived access tokens, rotating refresh tokens,
 * sign-out that ends a sign-in at once, lock-out, and the audit record.
 */
describe('gateway sign-in and accounts', () => {
  let world: TestWorld;
  let http: HttpClient;
  let admin: string;
  const accounts = (sql = '') => world.query<Record<string, unknown>>('gateway', `SELECT * FROM account ${sql}`);
  const createAccount = (body: object, token = admin) => http.post('/admin/accounts', body, token);

  beforeAll(async () => {
    world = await testWorld(['gateway']);
    // The gateway reads its own settings from the environment when it starts, as a deployed one does.
    Object.assign(process.env, GATEWAY_ENV, { GATEWAY_LOCKOUT_FAILURES: '3', GATEWAY_LOCKOUT_MINUTES: '10' });
    const app = await world.start(gatewayService, 'gateway');
    http = httpClient(await baseUrlOf(app));
    admin = (await http.signIn(ADMIN.username, ADMIN.password)).accessToken;
  });
  afterAll(() => world?.dispose());

  it('creates the first platform admin from the environment, and keeps only an argon2id hash of any password', async () => {
    const me = await http.get('/auth/me', admin);
    expect(me).toMatchObject({ status: 200, body: { username: 'admin', grants: [{ role: 'platform-admin' }] } });
    const [row] = await accounts(`WHERE username = 'admin'`);
    expect(row!.password_hash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
    expect(row!.password_hash).not.toContain(ADMIN.password);
  });

  it('refuses a wrong password and an unknown username alike, and a request without a token', async () => {
    const wrong = await http.post('/auth/sign-in', { username: 'admin', password: 'not it' });
    const unknown = await http.post('/auth/sign-in', { username: 'nobody', password: 'not it' });
    expect(wrong).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED', message: 'wrong username or password' } });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    const anonymous = await http.get('/auth/me');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expect((await http.get('/auth/me', 'not.a.token')).body).toMatchObject({ code: 'UNAUTHENTICATED', message: 'the access token is not valid' });
    const badBody = await http.post('/auth/sign-in', { username: 'admin', password: 'x', remember: true });
    expect(badBody).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', details: [{ field: 'remember' }] } });
  });

  it('creates accounts with grants, naming every wrong field, storing nothing on a refusal', async () => {
    const before = (await accounts()).length;
    const bad = await createAccount({
      username: '-bad',
      displayName: '',
      password: 'short',
      grants: [{ role: 'dispatcher' }, { role: 'department-staff', department: 'Not A Code' }, { role: 'king' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(
      ['displayName', 'grants[0].areaCode', 'grants[1].department', 'grants[2].role', 'password', 'username'].sort(),
    );
    expect((await accounts()).length).toBe(before);

    const created = await createAccount({ username: 'Li.Ming', displayName: 'Dispatcher Li Ming', password: PASSWORD, grants: [{ role: 'dispatcher', areaCode: 'T01' }] });
    expect(created).toMatchObject({ status: 201, body: { username: 'Li.Ming', grants: [{ role: 'dispatcher', areaCode: 'T01' }] } });
    expect(created.body).not.toHaveProperty('passwordHash');
    const again = await createAccount({ username: 'li.ming', displayName: 'Someone else', password: PASSWORD, grants: [] });
    expect(again).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });

    // Only a platform admin manages accounts.
    const li = (await http.signIn('li.ming', PASSWORD)).accessToken;
    const refused = await createAccount({ username: 'sneaky', displayName: 'Sneaky', password: PASSWORD, grants: [{ role: 'platform-admin' }] }, li);
    expect(refused).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect(refused.body.message).toMatch(/li\.ming|Li\.Ming/i);
    expect((await accounts(`WHERE username = 'sneaky'`)).length).toBe(0);
  });

  it('locks an account after failed sign-ins in a row, and an admin can lift it', async () => {
    const { body: account } = await createAccount({ username: 'wang', displayName: 'Wang', password: PASSWORD, grants: [] });
    for (let i = 0; i < 3; i++) expect((await http.post('/auth/sign-in', { username: 'wang', password: `guess ${i}` })).status).toBe(401);
    const locked = await http.post('/auth/sign-in', { username: 'wang', password: PASSWORD });
    expect(locked).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
    expect(locked.body.message).toMatch(/locked until \d{4}-\d\d-\d\dT/);
    // Guesses sent at once are counted one by one: still locked, none got in.
    const burst = await Promise.all(Array.from({ length: 5 }, () => http.post('/auth/sign-in', { username: 'wang', password: PASSWORD })));
    expect(burst.every((answer) => answer.status === 401)).toBe(true);

    expect((await http.patch(`/admin/accounts/${account.id}`, { unlock: true }, admin)).status).toBe(200);
    expect((await http.signIn('wang', PASSWORD)).accessToken).toBeTruthy();
    expect((await http.patch(`/admin/accounts/${account.id}`, { unlock: false }, admin)).body.details).toEqual([{ field: 'unlock', messages: ['unlock can only be true'] }]);
  });

  it('rotates refresh tokens, and a refresh token used twice ends the sign-in', async () => {
    await createAccount({ username: 'zhao', displayName: 'Zhao', password: PASSWORD, grants: [] });
    const first = await http.signIn('zhao', PASSWORD);
    const second = await http.post('/auth/refresh', { refreshToken: first.refreshToken });
    expect(second).toMatchObject({ status: 200, body: { tokenType: 'Bearer', expiresIn: 900 } });
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect((await http.get('/auth/me', second.body.accessToken)).status).toBe(200);

    // The first refresh token again: someone copied it. The whole sign-in ends, the new tokens too.
    const replay = await http.post('/auth/refresh', { refreshToken: first.refreshToken });
    expect(replay).toMatchObject({ status: 401, body: { message: 'the refresh token was already used: the sign-in is ended, sign in again' } });
    expect((await http.post('/auth/refresh', { refreshToken: second.body.refreshToken })).status).toBe(401);
    expect((await http.get('/auth/me', second.body.accessToken)).body.message).toBe('the sign-in has ended: sign in again');
  });

  it('signs out at once, and disabling an account ends its sign-ins', async () => {
    const { body: account } = await createAccount({ username: 'sun', displayName: 'Sun', password: PASSWORD, grants: [] });
    const session = await http.signIn('sun', PASSWORD);
    expect((await http.post('/auth/sign-out', undefined, session.accessToken)).status).toBe(204);
    expect((await http.get('/auth/me', session.accessToken)).status).toBe(401);
    expect((await http.post('/auth/refresh', { refreshToken: session.refreshToken })).status).toBe(401);

    const next = await http.signIn('sun', PASSWORD);
    expect((await http.patch(`/admin/accounts/${account.id}`, { disabled: true }, admin)).body.disabledAt).toBeDefined();
    expect((await http.get('/auth/me', next.accessToken)).status).toBe(401);
    expect((await http.post('/auth/sign-in', { username: 'sun', password: PASSWORD })).body.message).toBe('the account is disabled');
    // An admin cannot lock themselves out.
    const me = (await http.get('/auth/me', admin)).body;
    expect((await http.patch(`/admin/accounts/${me.accountId}`, { disabled: true }, admin)).status).toBe(403);
  });

  it('refuses expired and forged access tokens', async () => {
    const me = (await http.get('/auth/me', admin)).body;
    const sign = (secret: string, expires: number) =>
      new SignJWT({ sid: '00000000-0000-7000-8000-000000000000' })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('gridwork-gateway')
        .setSubject(me.accountId)
        .setExpirationTime(expires)
        .sign(new TextEncoder().encode(secret));
    const expired = await sign(GATEWAY_ENV.GATEWAY_TOKEN_SECRET, Math.floor(Date.now() / 1000) - 60);
    expect((await http.get('/auth/me', expired)).body.message).toBe('the access token has expired: refresh it');
    const forged = await sign('another secret that is long enough to sign', Math.floor(Date.now() / 1000) + 600);
    expect((await http.get('/auth/me', forged)).body.message).toBe('the access token is not valid');
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: me.accountId, iss: 'gridwork-gateway' })).toString('base64url')}.`;
    expect((await http.get('/auth/me', unsigned)).status).toBe(401);
  });

  it('records every write with who, what, when and from where, and lets an admin search it; the record is never rewritten', async () => {
    const search = await http.get('/admin/audit?username=wang&route=/auth/sign-in', admin);
    expect(search.status).toBe(200);
    const statuses = search.body.items.map((r: { status: number }) => r.status);
    expect(statuses.filter((s: number) => s === 401).length).toBeGreaterThanOrEqual(4);
    expect(statuses).toContain(200);
    expect(search.body.items[0]).toMatchObject({ method: 'POST', route: '/auth/sign-in', username: 'wang', address: expect.stringMatching(/127\.0\.0\.1/) });
    const refusals = await http.get('/admin/audit?route=/admin/accounts&status=403', admin);
    expect(refusals.body.items.map((r: { username: string }) => r.username)).toContain('Li.Ming');
    // A write refused before any route runs, for want of a (valid) sign-in, is recorded too, with no one as its author.
    const before = (await http.get('/admin/audit?route=/admin/accounts&status=401', admin)).body.items.length;
    expect((await http.post('/admin/accounts', { username: 'intruder', displayName: 'x', password: PASSWORD, grants: [] })).status).toBe(401);
    expect((await http.post('/admin/accounts', { username: 'intruder', displayName: 'x', password: PASSWORD, grants: [] }, 'forged.token.value')).status).toBe(401);
    const anonymous = (await http.get('/admin/audit?route=/admin/accounts&status=401', admin)).body.items;
    expect(anonymous).toHaveLength(before + 2);
    expect(anonymous[0]).toMatchObject({ method: 'POST', route: '/admin/accounts', status: 401, address: expect.stringMatching(/127\.0\.0\.1/) });
    expect(anonymous[0].username).toBeUndefined();
    expect(anonymous[0].accountId).toBeUndefined();
    // Reads are not writes.
    expect((await http.get('/admin/accounts')).status).toBe(401);
    expect((await http.get('/admin/audit?route=/admin/accounts&status=401', admin)).body.items).toHaveLength(before + 2);
    const disabling = await http.get('/admin/audit?route=/admin/accounts/:id&method=PATCH', admin);
    expect(disabling.body.items.some((r: { target: { id?: string } }) => typeof r.target.id === 'string')).toBe(true);
    // Paging, newest first.
    const page = await http.get('/admin/audit?limit=2', admin);
    const nextPage = await http.get(`/admin/audit?limit=2&after=${page.body.nextAfter}`, admin);
    expect(Date.parse(nextPage.body.items[0].at)).toBeLessThanOrEqual(Date.parse(page.body.items[1].at));
    expect((await http.get('/admin/audit?limit=0&from=yesterday', admin)).body.details.map((d: { field: string }) => d.field).sort()).toEqual(['from', 'limit']);
    await expect(world.query('gateway', `UPDATE audit_record SET status = 200`)).rejects.toThrow(/never rewritten/);
    // No password is ever written to it.
    expect(JSON.stringify(await world.query('gateway', `SELECT * FROM audit_record`))).not.toContain(PASSWORD);
  });

  it('will not start without a token secret, and says which setting is wrong', async () => {
    const secret = process.env.GATEWAY_TOKEN_SECRET;
    process.env.GATEWAY_TOKEN_SECRET = 'too short';
    try {
      await expect(world.start(gatewayService, 'gateway')).rejects.toThrow(/GATEWAY_TOKEN_SECRET="too short": GATEWAY_TOKEN_SECRET must be at least 32 characters/);
    } finally {
      process.env.GATEWAY_TOKEN_SECRET = secret;
    }
  });
});
