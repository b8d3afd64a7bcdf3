import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { INestApplication } from '@nestjs/common';
import { subjects } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { dispatchService } from '@gridwork/dispatch-service/definition';
import { gatewayService } from '@gridwork/gateway-service/definition';
import { GATEWAY_ENV, baseUrlOf, httpClient, type HttpClient } from '@gridwork/gateway-service/test-fixtures';
import { staffSmallCity, startGridWithSmallCity } from '../fixtures/small-city.js';

const PASSWORD = 'a long enough passphrase';
/** Inside grid T01010101 (west) of the small city; T010101 is its community, T0101 its township, T01 its district. */
const WEST = { longitude: 113.005, latitude: 23.01 };

/**
 * Cases over HTTP, as the people behind the dispatcher's desk, a department
 * and a grid worker meet them: the gateway checks role and scope, forwards
 * over NATS with the actor from the sign-in, and answers the service's
 * errors with HTTP statuses.
 */
describe('gateway: dispatch cases over HTTP', () => {
  let world: TestWorld;
  let http: HttpClient;
  let dispatch: INestApplication;
  const tokens: Record<string, string> = {};
  let worker: { id: string; name: string };
  let n = 0;
  const report = (token: string, overrides: object = {}) =>
    http.post(
      '/dispatch/cases',
      { idempotencyKey: `http-${++n}`, channel: 'hotline-12345', categoryCode: 'environment', description: 'Garbage by the gate', location: WEST, ...overrides },
      token,
    );

  beforeAll(async () => {
    world = await testWorld(['grid', 'dispatch', 'gateway']);
    dispatch = await world.start(dispatchService, 'dispatch');
    await startGridWithSmallCity(world);
    worker = (await staffSmallCity(world)).T01010101;
    for (const [code, responsible] of [
      ['environment', { kind: 'level', level: 'grid' }],
      ['roads', { kind: 'department', department: 'housing' }],
      ['pipes', { kind: 'department', department: 'water' }],
    ] as const) {
      await world.client.request(subjects.dispatch.category.define, { code, name: code, responsible, acceptHours: 2, completeHours: 24, hoursKind: 'calendar' });
    }
    Object.assign(process.env, GATEWAY_ENV);
    http = httpClient(await baseUrlOf(await world.start(gatewayService, 'gateway')));
    tokens.admin = (await http.signIn(GATEWAY_ENV.GATEWAY_ADMIN_USERNAME, GATEWAY_ENV.GATEWAY_ADMIN_PASSWORD)).accessToken;
    const people = {
      district: [{ role: 'dispatcher', areaCode: 'T01' }],
      elsewhere: [{ role: 'dispatcher', areaCode: 'T09' }],
      housing: [{ role: 'department-staff', department: 'housing' }],
      worker: [{ role: 'grid-worker', workerId: worker.id, areaCode: 'T01010101' }],
      resident: [{ role: 'resident' }],
    };
    for (const [username, grants] of Object.entries(people)) {
      const created = await http.post('/admin/accounts', { username, displayName: `Person ${username}`, password: PASSWORD, grants }, tokens.admin);
      expect(created.status).toBe(201);
      tokens[username] = (await http.signIn(username, PASSWORD)).accessToken;
    }
  });
  afterAll(() => world?.dispose());

  it('lets a district dispatcher report and act on cases in the district, as themselves, and no one outside it', async () => {
    const reported = await report(tokens.district!);
    expect(reported.status).toBe(201);
    const c = reported.body.case;
    expect(c).toMatchObject({ state: 'assigned', areaPath: ['T0', 'T01', 'T0101', 'T010101', 'T01010101'] });

    const seen = await http.get(`/dispatch/cases/${c.number}`, tokens.district);
    expect(seen).toMatchObject({ status: 200, body: { id: c.id } });
    const elsewhere = await http.get(`/dispatch/cases/${c.id}`, tokens.elsewhere);
    expect(elsewhere).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    // Dispatch itself refuses it: the gateway tells it the reader's areas.
    expect(elsewhere.body.message).toMatch(/^case \d{16} lies outside T09, the reader's areas$/);
    expect((await http.post(`/dispatch/cases/${c.id}/reject`, { reason: 'not ours' }, tokens.elsewhere)).status).toBe(403);
    expect((await http.get(`/dispatch/cases/${c.id}`, tokens.resident)).status).toBe(403);

    // The desk acts as the signed-in person: the timeline says who.
    const claimed = await http.post(`/dispatch/cases/${c.id}/claim`, {}, tokens.district);
    expect(claimed).toMatchObject({ status: 201, body: { state: 'in-progress' } });
    const timeline = (await http.get(`/dispatch/cases/${c.id}`, tokens.district)).body.timeline;
    const me = (await http.get('/auth/me', tokens.district)).body;
    expect(timeline.at(-1)).toMatchObject({ action: 'claim', actorKind: 'operator', actorId: me.accountId, actorName: 'Person district' });
    // Nobody names another actor through the gateway.
    const impersonating = await http.post(`/dispatch/cases/${c.id}/resolve`, { resolution: 'done', actor: { kind: 'operator', id: 'someone-else' } }, tokens.district);
    expect(impersonating).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', details: [{ field: 'actor' }] } });
  });

  it('scopes lists to the dispatcher’s area and refuses an area outside it', async () => {
    const mine = await http.get('/dispatch/cases?states=assigned,in-progress&limit=50', tokens.district);
    expect(mine.status).toBe(200);
    expect(mine.body.items.length).toBeGreaterThan(0);
    expect(mine.body.items.every((c: { areaPath: string[] }) => c.areaPath.includes('T01'))).toBe(true);
    expect((await http.get('/dispatch/cases', tokens.elsewhere)).body.items).toEqual([]);
    const outside = await http.get('/dispatch/cases?areaCode=T01', tokens.elsewhere);
    expect(outside).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect((await http.get('/dispatch/cases?areaCode=NOPE', tokens.district)).body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'areaCode' }] });
    const badQuery = await http.get('/dispatch/cases?states=lost&limit=many', tokens.admin);
    expect(badQuery).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(badQuery.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['limit', 'states']);
  });

  it("lets department staff work their department's cases through the department's own subjects, and nothing else", async () => {
    const roads = (await report(tokens.district!, { categoryCode: 'roads', description: 'Pothole' })).body.case;
    const pipes = (await report(tokens.district!, { categoryCode: 'pipes', description: 'Leak' })).body.case;
    expect(roads.owner).toEqual({ kind: 'department', department: 'housing' });
    expect((await http.get(`/dispatch/cases/${roads.id}`, tokens.housing)).status).toBe(200);
    const other = await http.get(`/dispatch/cases/${pipes.id}`, tokens.housing);
    expect(other).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect((await http.post(`/dispatch/cases/${roads.id}/claim`, {}, tokens.housing)).body.state).toBe('in-progress');
    expect((await http.post(`/dispatch/cases/${pipes.id}/claim`, {}, tokens.housing)).status).toBe(403);
    expect((await http.post(`/dispatch/cases/${roads.id}/reject`, { reason: 'no' }, tokens.housing)).status).toBe(403);
    const listed = await http.get('/dispatch/cases', tokens.housing);
    expect(listed.body.items.map((c: { id: string }) => c.id)).toEqual([roads.id]);
    // What the department reports is the department's report.
    const own = await report(tokens.housing!, { channel: 'department', categoryCode: 'roads', description: 'Cracked kerb' });
    expect(own).toMatchObject({ status: 201, body: { case: { reportingDepartment: 'housing', channel: 'department' } } });
  });

  it("lets a grid worker act on their grid's cases as themselves", async () => {
    const c = (await report(tokens.district!)).body.case;
    expect(c.owner).toMatchObject({ level: 'grid', workerId: worker.id });
    const claimed = await http.post(`/dispatch/cases/${c.id}/claim`, {}, tokens.worker);
    expect(claimed).toMatchObject({ status: 201, body: { state: 'in-progress' } });
    const { timeline } = (await http.get(`/dispatch/cases/${c.id}`, tokens.worker)).body;
    expect(timeline.at(-1)).toMatchObject({ action: 'claim', actorKind: 'worker', actorId: worker.id });
    expect((await http.post(`/dispatch/cases/${c.id}/close`, {}, tokens.worker)).status).toBe(403);
    const theirs = await http.get('/dispatch/cases', tokens.worker);
    expect(theirs.body.items.every((item: { owner?: { workerId?: string } }) => item.owner?.workerId === worker.id)).toBe(true);
    expect((await http.get(`/dispatch/cases?ownerWorkerId=someone-else`, tokens.worker)).status).toBe(403);
    // On patrol, the report is theirs.
    const patrol = await report(tokens.worker!, { channel: 'patrol' });
    expect(patrol.body.case.reporter).toMatchObject({ workerId: worker.id });
  });

  it('answers the service’s errors with their HTTP status, code and details', async () => {
    const missing = await report(tokens.district!, { description: undefined, location: { longitude: 'east', latitude: 23 } });
    expect(missing).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(missing.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['description', 'location.longitude']);
    expect((await http.get('/dispatch/cases/2026010100009999', tokens.admin))).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    const c = (await report(tokens.district!)).body.case;
    const early = await http.post(`/dispatch/cases/${c.id}/close`, {}, tokens.district);
    expect(early).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });
    expect((await http.post(`/dispatch/cases/${c.id}/teleport`, {}, tokens.district))).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect((await http.post('/dispatch/cases/not-a-uuid/claim', {}, tokens.district)).body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'caseId' }] });
    const malformed = await http.call('POST', '/dispatch/cases', { body: '{"idempotencyKey":', token: tokens.district });
    expect(malformed).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', details: [{ field: '$' }] } });
    const huge = await report(tokens.district!, { description: 'x'.repeat(300_000) });
    expect(huge).toMatchObject({ status: 413, body: { code: 'TOO_LARGE' } });
    expect((await http.get('/nowhere', tokens.district))).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
  });

  it('gives a case an ETag that changes with it, so a poller gets 304 until it does', async () => {
    const c = (await report(tokens.district!)).body.case;
    const first = await http.get(`/dispatch/cases/${c.id}`, tokens.district);
    const etag = first.headers.get('etag')!;
    expect(etag).toBe(`"${c.id}.${c.version}"`);
    const unchanged = await http.get(`/dispatch/cases/${c.id}`, tokens.district, { 'if-none-match': etag });
    expect(unchanged.status).toBe(304);
    await http.post(`/dispatch/cases/${c.id}/claim`, {}, tokens.district);
    const changed = await http.get(`/dispatch/cases/${c.id}`, tokens.district, { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('gives a list an ETag of its content, so a poller of a queue gets 304 until a case in it changes', async () => {
    const c = (await report(tokens.district!)).body.case;
    const first = await http.get('/dispatch/cases?limit=5', tokens.district);
    expect(first.body.items[0]).toMatchObject({ id: c.id, state: c.state });
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    const unchanged = await http.get('/dispatch/cases?limit=5', tokens.district, { 'if-none-match': `W/"other", ${etag}` });
    expect(unchanged.status).toBe(304);
    expect(unchanged.body).toBeUndefined();
    expect((await http.post(`/dispatch/cases/${c.id}/claim`, {}, tokens.district)).status).toBe(201);
    const changed = await http.get('/dispatch/cases?limit=5', tokens.district, { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(changed.body.items[0].state).not.toBe(c.state);
    // A forwarded list too.
    const categories = await http.get('/dispatch/categories', tokens.district);
    expect((await http.get('/dispatch/categories', tokens.district, { 'if-none-match': categories.headers.get('etag')! })).status).toBe(304);
  });

  it("serves dispatch's other operations by role and area: categories, calendar, routing rules, supervision, whistles, figures and the board", async () => {
    expect((await http.get('/dispatch/categories', tokens.housing)).body.items.map((c: { code: string }) => c.code)).toEqual(expect.arrayContaining(['roads', 'pipes']));
    const category = { code: 'lamps', name: 'Street lamps', responsible: { kind: 'level', level: 'grid' }, acceptHours: 2, completeHours: 24, hoursKind: 'calendar' };
    expect((await http.post('/dispatch/categories', category, tokens.district)).status).toBe(403);
    expect((await http.post('/dispatch/categories', category, tokens.admin)).status).toBe(200);
    expect((await http.get('/dispatch/categories/lamps', tokens.worker)).body).toMatchObject({ code: 'lamps', name: 'Street lamps' });
    const deadline = await http.get(`/dispatch/calendar/deadline?from=${encodeURIComponent(new Date().toISOString())}&hours=4&hoursKind=calendar`, tokens.district);
    expect(deadline.status).toBe(200);
    expect((await http.get('/dispatch/routing-rules', tokens.resident)).status).toBe(403);
    expect((await http.post('/dispatch/routing-rules', { categoryCode: 'lamps', responsible: { kind: 'level', level: 'community' } }, tokens.district)).status).toBe(403);
    expect((await http.get('/dispatch/routing-rules', tokens.district)).status).toBe(200);

    // Supervision (督办): a district's desk issues orders as its district only.
    const c = (await report(tokens.district!)).body.case;
    const order = { issuer: { level: 'district', areaCode: 'T01' }, note: 'clear it by tomorrow and report back' };
    expect((await http.post(`/dispatch/cases/${c.id}/supervise`, { ...order, issuer: { level: 'township', areaCode: 'T0101' } }, tokens.district)).status).toBe(403);
    expect((await http.post(`/dispatch/cases/${c.id}/supervise`, { ...order, issuer: { level: 'platform' } }, tokens.district)).status).toBe(403);
    const supervised = await http.post(`/dispatch/cases/${c.id}/supervise`, order, tokens.district);
    expect(supervised.status).toBe(201);
    const orders = await http.get('/dispatch/supervision-orders?areaCode=T01', tokens.district);
    expect(orders.body.items.map((o: { caseId: string }) => o.caseId)).toContain(c.id);
    expect((await http.get('/dispatch/supervision-orders?areaCode=T01', tokens.elsewhere)).status).toBe(403);

    // Whistles on a case: its area's desk, not another's.
    expect((await http.get(`/dispatch/cases/${c.id}/whistles`, tokens.district)).status).toBe(200);
    expect((await http.get(`/dispatch/cases/${c.id}/whistles`, tokens.elsewhere)).status).toBe(403);

    // Figures for all staff; the live board for the area's desk.
    const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
    const figures = await http.get(`/dispatch/stats/assessment?dimension=district&key=T01&from=${month}&to=${month}`, tokens.housing);
    expect(figures.status).toBe(200);
    expect(figures.body.total.received).toBeGreaterThan(0);
    expect((await http.get('/dispatch/board?areaCode=T01', tokens.district)).status).toBe(200);
    expect((await http.get('/dispatch/board?areaCode=T01', tokens.elsewhere)).status).toBe(403);
    expect((await http.get('/dispatch/board?areaCode=T01', tokens.resident)).status).toBe(403);
    const since = encodeURIComponent(new Date(Date.now() - 3600_000).toISOString());
    const lines = await http.get(`/dispatch/timeline?from=${since}&stateChangesOnly=true`, tokens.district);
    expect(lines.status).toBe(200);
    expect(lines.body.items.length).toBeGreaterThan(0);
    expect((await http.get(`/dispatch/timeline?from=${since}`, tokens.housing)).status).toBe(403);
  });

  it('records each case write with who did it, and answers 503 while dispatch is away', async () => {
    const audit = await http.get('/admin/audit?route=/dispatch/cases/:caseId/:action&username=housing', tokens.admin);
    expect(audit.body.items.map((r: { status: number; target: { action: string } }) => [r.target.action, r.status])).toEqual(
      expect.arrayContaining([
        ['claim', 201],
        ['claim', 403],
        ['reject', 403],
      ]),
    );
    await world.stop(dispatch);
    const away = await http.get('/dispatch/cases', tokens.admin);
    expect(away).toMatchObject({ status: 503, body: { code: 'UNAVAILABLE' } });
  });
});
