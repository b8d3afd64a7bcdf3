import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDay, today } from '@gridwork/local-time';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { waitFor } from '@gridwork/testing';
import { admissionService } from '@gridwork/admission-service/definition';
import { dispatchService } from '@gridwork/dispatch-service/definition';
import { gatewayService } from '@gridwork/gateway-service/definition';
import { GATEWAY_ENV, baseUrlOf, httpClient, type HttpClient } from '@gridwork/gateway-service/test-fixtures';
import { staffSmallCity, startGridWithSmallCity } from '../fixtures/small-city.js';

const PASSWORD = 'a long enough passphrase';

/**
 * Grid's and admission's operations over HTTP, each route forwarded to its
 * NATS endpoint after the gateway checks the role and the area it is about;
 * the actor and the reviewer are the signed-in person.
 */
describe('gateway: grid and admission over HTTP', () => {
  let world: TestWorld;
  let http: HttpClient;
  const t: Record<string, string> = {};
  const ids: Record<string, string> = {};
  let worker: { id: string };

  beforeAll(async () => {
    world = await testWorld(['grid', 'dispatch', 'admission', 'gateway']);
    // Dispatch too: the small city's fixtures wait until dispatch knows the grids and workers, as in production.
    await world.start(dispatchService, 'dispatch');
    await world.start(admissionService, 'admission');
    await startGridWithSmallCity(world);
    worker = (await staffSmallCity(world)).T01010101;
    Object.assign(process.env, GATEWAY_ENV);
    http = httpClient(await baseUrlOf(await world.start(gatewayService, 'gateway')));
    t.admin = (await http.signIn(GATEWAY_ENV.GATEWAY_ADMIN_USERNAME, GATEWAY_ENV.GATEWAY_ADMIN_PASSWORD)).accessToken;
    // A second district, for people whose area is elsewhere.
    expect((await http.post('/grid/areas', { code: 'T02', name: 'District Two', level: 'district', parentCode: 'T0' }, t.admin)).status).toBe(201);
    const people: Record<string, object[]> = {
      districtAdmin: [{ role: 'area-admin', areaCode: 'T01' }],
      otherAdmin: [{ role: 'area-admin', areaCode: 'T02' }],
      dispatcher: [{ role: 'dispatcher', areaCode: 'T01' }],
      housing: [{ role: 'department-staff', department: 'housing' }],
      reviewer: [{ role: 'reviewer', areaCode: 'T01' }],
      gridWorker: [{ role: 'grid-worker', workerId: worker.id, areaCode: 'T01010101' }],
      operator: [{ role: 'operator' }],
      resident: [{ role: 'resident' }],
    };
    for (const [username, grants] of Object.entries(people)) {
      const created = await http.post('/admin/accounts', { username, displayName: `Person ${username}`, password: PASSWORD, grants }, t.admin);
      expect(created.status).toBe(201);
      ids[username] = created.body.id;
      t[username] = (await http.signIn(username, PASSWORD)).accessToken;
    }
  });
  afterAll(() => world?.dispose());

  it('lets all staff read the area tree and locate a point, and not residents', async () => {
    expect((await http.get('/grid/areas/T01', t.dispatcher)).body).toMatchObject({ code: 'T01', level: 'district' });
    const children = await http.get('/grid/areas/T0101/children', t.housing);
    expect(children.body.items.map((a: { code: string }) => a.code)).toEqual(['T010101']);
    // The query's numbers are numbers to the service.
    const located = await http.get('/grid/locate?longitude=113.005&latitude=23.01', t.gridWorker);
    expect(located).toMatchObject({ status: 200, body: { grid: { code: 'T01010101' } } });
    expect((await http.get('/grid/locate?longitude=east&latitude=23.01', t.dispatcher)).body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'longitude' }] });
    const resident = await http.get('/grid/areas/T01', t.resident);
    expect(resident).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect((await http.get('/grid/areas/T01')).status).toBe(401);
  });

  it("lets an area's admin keep its areas and workers, inside the area only", async () => {
    const community = await http.post('/grid/areas', { code: 'T010102', name: 'Community Two', level: 'community', parentCode: 'T0101' }, t.districtAdmin);
    expect(community).toMatchObject({ status: 201, body: { code: 'T010102', path: ['T0', 'T01', 'T0101', 'T010102'] } });
    const outside = await http.post('/grid/areas', { code: 'T010103', name: 'Not theirs', level: 'community', parentCode: 'T0101' }, t.otherAdmin);
    expect(outside).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect(outside.body.message).toMatch(/T0101 is outside otherAdmin's area \(T02\)/);
    expect((await http.post('/grid/areas', { code: 'T010104', name: 'No', level: 'community', parentCode: 'T0101' }, t.dispatcher)).status).toBe(403);

    const hired = await http.post('/grid/workers', { name: 'Worker Sun', employment: 'full-time', phone: '13900000000', hiredOn: '2026-01-01', communityCode: 'T010101' }, t.districtAdmin);
    expect(hired.status).toBe(201);
    const seen = await http.get(`/grid/workers/${hired.body.id}`, t.districtAdmin);
    expect(seen.body).toMatchObject({ name: 'Worker Sun', phone: '13900000000' });
    // Another district's admin sees neither the record nor may change it.
    expect((await http.get(`/grid/workers/${hired.body.id}`, t.otherAdmin)).status).toBe(403);
    expect((await http.patch(`/grid/workers/${hired.body.id}`, { phone: '13911111111' }, t.otherAdmin)).status).toBe(403);
    expect((await http.get('/grid/workers?areaCode=T01', t.otherAdmin)).status).toBe(403);
    expect((await http.get('/grid/workers?areaCode=T01', t.districtAdmin)).body.items.map((w: { name: string }) => w.name)).toContain('Worker Sun');
    expect((await http.patch(`/grid/workers/${hired.body.id}`, { phone: '13911111111' }, t.districtAdmin)).body.phone).toBe('13911111111');
    const assigned = await http.post(`/grid/workers/${hired.body.id}/assignments`, { gridCode: 'T01010102', startedOn: '2026-01-01' }, t.districtAdmin);
    expect(assigned.status).toBe(201);
  });

  it("passes the person's areas on, so that grid and admission keep the scope themselves", async () => {
    // Listen beside grid (not in its queue group) to what the gateway asks it.
    const heard: Record<string, unknown>[] = [];
    const sub = world.nc.subscribe('gov.grid.worker.>', { callback: (_error, msg) => void heard.push(msg.json()) });
    await world.nc.flush();
    const hired = await http.post('/grid/workers', { name: 'Worker Qian', employment: 'full-time', hiredOn: '2026-01-01', communityCode: 'T010101' }, t.districtAdmin);
    expect(hired.status).toBe(201);
    expect((await http.get(`/grid/workers/${hired.body.id}`, t.gridWorker)).status).toBe(403);
    expect((await http.get(`/grid/workers/${hired.body.id}`, t.admin)).status).toBe(200);
    await world.nc.flush();
    sub.unsubscribe();
    // The district admin acts within T01; the platform admin anywhere, so it sends none.
    expect(heard.map((request) => request.withinAreas)).toEqual([['T01'], undefined]);
    // The areas come from the sign-in only.
    const sent = await http.post('/grid/workers', { name: 'Worker Zhao', employment: 'full-time', hiredOn: '2026-01-01', communityCode: 'T010101', withinAreas: ['T0'] }, t.districtAdmin);
    expect(sent).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', details: [{ field: 'withinAreas' }] } });
  });

  it("lets a grid worker keep base information and log patrols in their grid, as themselves", async () => {
    const record = await http.post('/grid/base-records', { gridCode: 'T01010101', type: 'cctv', name: 'Camera at the gate', attributes: { status: 'in-service' } }, t.gridWorker);
    expect(record).toMatchObject({ status: 201, body: { gridCode: 'T01010101' } });
    const me = (await http.get('/auth/me', t.gridWorker)).body;
    expect(record.body.registeredBy).toEqual({ id: me.accountId, name: 'Person gridWorker' });
    expect((await http.get(`/grid/base-records/${record.body.id}`, t.gridWorker)).status).toBe(200);
    // The east grid is not theirs.
    expect((await http.post('/grid/base-records', { gridCode: 'T01010102', type: 'cctv', name: 'Camera', attributes: { status: 'in-service' } }, t.gridWorker)).status).toBe(403);
    expect((await http.get(`/grid/base-records/${record.body.id}`, t.otherAdmin)).status).toBe(403);
    const named = await http.post('/grid/base-records', { gridCode: 'T01010101', type: 'cctv', name: 'Camera', attributes: { status: 'in-service' }, actor: { id: 'x', name: 'x' } }, t.gridWorker);
    expect(named).toMatchObject({ status: 400, body: { details: [{ field: 'actor' }] } });

    const startedAt = new Date(Date.now() - 400);
    const patrol = { gridCode: 'T01010101', date: localDay(startedAt), startedAt: startedAt.toISOString(), endedAt: new Date(Date.now() - 100).toISOString(), caseReported: false };
    expect((await http.post('/grid/patrols', { ...patrol, workerId: 'someone-else' }, t.gridWorker))).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    const logged = await http.post('/grid/patrols', { ...patrol, workerId: worker.id }, t.gridWorker);
    expect(logged).toMatchObject({ status: 201, body: { workerId: worker.id, gridCode: 'T01010101' } });
  });

  it('runs admission through its people: the office defines, the area admin publishes, the department applies, the reviewer decides', async () => {
    const item = { code: 'rent-survey', name: 'Rent survey', department: 'housing', legalBasis: 'Housing regulation, art. 3', kind: 'community-work', levels: ['community'] };
    expect((await http.post('/admission/items', item, t.districtAdmin)).status).toBe(403);
    expect((await http.post('/admission/items', item, t.admin)).status).toBe(201);
    expect((await http.post('/admission/items', { ...item, code: 'flat-census', name: 'Flat census' }, t.admin)).status).toBe(201);
    expect((await http.get('/admission/items/rent-survey', t.housing)).body).toMatchObject({ code: 'rent-survey' });
    // Admission learns the areas from grid's events.
    await waitFor('areas in admission', async () => {
      const [row] = await world.query<{ n: number }>('admission', `SELECT count(*)::int AS n FROM known_area WHERE code = 'T02'`);
      return row!.n === 1 || undefined;
    });

    const list = { areaCode: 'T01', kind: 'admitted', level: 'community' };
    expect((await http.post('/admission/lists/draft', { ...list, put: [{ itemCode: 'rent-survey' }] }, t.otherAdmin)).status).toBe(403);
    expect((await http.post('/admission/lists/draft', { ...list, put: [{ itemCode: 'rent-survey' }] }, t.districtAdmin)).status).toBe(200);
    expect((await http.post('/admission/lists/publish', { ...list, effectiveOn: today() }, t.districtAdmin)).status).toBe(200);
    const gate = await http.get(`/admission/gate?itemCode=rent-survey&level=community&areaCode=T010101&on=${today()}`, t.dispatcher);
    expect(gate).toMatchObject({ status: 200, body: { admitted: true } });

    // The reviewer is appointed under their account's id, and reviews as themselves.
    expect((await http.post('/admission/reviewers', { id: ids.reviewer, name: 'Person reviewer', areaCode: 'T01' }, t.districtAdmin)).status).toBe(201);
    // What is not on the list yet, the department applies for.
    const application = {
      itemCode: 'flat-census',
      areaCode: 'T010101',
      level: 'community',
      reason: 'Communities know which flats are let.',
      resources: { headCount: 1, annualBudgetYuan: 50_000, fundedBy: 'applying-department' },
    };
    const submitted = await http.post('/admission/applications', application, t.housing);
    expect(submitted).toMatchObject({ status: 201, body: { state: 'submitted', department: 'housing' } });
    const id = submitted.body.id;
    expect((await http.post(`/admission/applications/${id}/start-review`, {}, t.housing)).status).toBe(403);
    expect((await http.post(`/admission/applications/${id}/start-review`, { reviewerId: 'someone' }, t.reviewer))).toMatchObject({ status: 400, body: { details: [{ field: 'reviewerId' }] } });
    expect((await http.post(`/admission/applications/${id}/start-review`, {}, t.reviewer)).body.state).toBe('under-review');
    const approved = await http.post(`/admission/applications/${id}/approve`, { reason: 'People and money come with it.' }, t.reviewer);
    expect(approved).toMatchObject({ status: 200, body: { state: 'approved' } });
    expect(JSON.stringify(approved.body)).toContain(ids.reviewer);
    // The department sees its own applications through its own subjects.
    expect((await http.get('/admission/applications', t.housing)).body.items.map((a: { id: string }) => a.id)).toContain(id);
  });

  it('gives dead letters to operators only, and records the writes', async () => {
    expect((await http.get('/grid/dead-letters', t.operator)).status).toBe(200);
    expect((await http.get('/grid/dead-letters', t.districtAdmin)).status).toBe(403);
    const audit = await http.get('/admin/audit?route=/grid/areas&username=otherAdmin', t.admin);
    expect(audit.body.items).toEqual([expect.objectContaining({ method: 'POST', status: 403 })]);
  });
});
