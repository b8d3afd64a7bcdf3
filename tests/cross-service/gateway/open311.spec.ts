import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { subjects } from '@gridwork/contracts';
import { GridworkClient } from '@gridwork/client';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { dispatchService } from '@gridwork/dispatch-service/definition';
import { gatewayService } from '@gridwork/gateway-service/definition';
import { GATEWAY_ENV, baseUrlOf, httpClient, type HttpClient } from '@gridwork/gateway-service/test-fixtures';
import { startGridWithSmallCity } from '../fixtures/small-city.js';

/** Inside grid T01010101 (west) of the small city. */
const WEST = { lat: '23.01', long: '113.005' };
const xml = new XMLParser({ parseTagValue: false });

/**
 * Open311 GeoReport v2 as an outside app meets it: real HTTP, form-encoded
 * posts, JSON and XML answers parsed as such, GeoReport's error format.
 */
describe('gateway: Open311 GeoReport v2', () => {
  let world: TestWorld;
  let base: string;
  let http: HttpClient;
  let apiKey: string;
  let admin: string;
  const get = async (path: string) => {
    const response = await fetch(`${base}/open311/v2/${path}`);
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type'), body: path.includes('.json') ? JSON.parse(text) : xml.parse(text), text };
  };
  const post = async (path: string, form: Record<string, string>) => {
    const response = await fetch(`${base}/open311/v2/${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
    const text = await response.text();
    return { status: response.status, body: path.endsWith('.json') ? JSON.parse(text) : xml.parse(text), text };
  };
  const pothole = (overrides: Record<string, string> = {}) => ({
    api_key: apiKey,
    service_code: 'roads.pothole',
    ...WEST,
    address_string: 'Gate of No. 3 Middle School',
    description: 'A deep pothole by the school gate',
    first_name: 'Wang',
    last_name: 'Fang',
    phone: '13700000000',
    media_url: 'https://photos.example.org/pothole.jpg',
    ...overrides,
  });

  beforeAll(async () => {
    world = await testWorld(['grid', 'dispatch', 'gateway']);
    await world.start(dispatchService, 'dispatch');
    await startGridWithSmallCity(world);
    for (const [code, name] of [['roads', 'Roads'], ['roads.pothole', 'Pothole']]) {
      await world.client.request(subjects.dispatch.category.define, { code, name, responsible: { kind: 'department', department: 'housing' }, acceptHours: 2, completeHours: 48, hoursKind: 'calendar' });
    }
    Object.assign(process.env, GATEWAY_ENV);
    base = await baseUrlOf(await world.start(gatewayService, 'gateway'));
    http = httpClient(base);
    admin = (await http.signIn(GATEWAY_ENV.GATEWAY_ADMIN_USERNAME, GATEWAY_ENV.GATEWAY_ADMIN_PASSWORD)).accessToken;
    apiKey = (await http.post('/admin/api-keys', { name: 'Resident app' }, admin)).body.key;
  });
  afterAll(() => world?.dispose());

  it('answers discovery and the service list, in JSON and in XML', async () => {
    const discovery = await get('discovery.json');
    expect(discovery.body.endpoints[0]).toMatchObject({ specification: 'http://wiki.open311.org/GeoReport_v2', url: `${base}/open311/v2`, formats: ['text/xml', 'application/json'] });
    const discoveryXml = await get('discovery.xml');
    expect(discoveryXml.type).toMatch(/^text\/xml/);
    expect(discoveryXml.body.discovery.endpoints.endpoint.formats.format).toEqual(['text/xml', 'application/json']);

    const services = await get('services.json');
    expect(services.body).toEqual([
      { service_code: 'roads', service_name: 'Roads', description: 'Roads', metadata: false, type: 'realtime', keywords: 'roads', group: 'Roads' },
      { service_code: 'roads.pothole', service_name: 'Pothole', description: 'Pothole', metadata: false, type: 'realtime', keywords: 'roads,pothole', group: 'Roads' },
    ]);
    const servicesXml = await get('services.xml');
    expect(servicesXml.text).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>/);
    expect(servicesXml.body.services.service.map((s: { service_code: string }) => s.service_code)).toEqual(['roads', 'roads.pothole']);
    expect((await get('services/roads.pothole.json')).body).toEqual({ service_code: 'roads.pothole', attributes: [] });
    const unknown = await get('services/nope.json');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual([{ code: 404, description: expect.stringMatching(/category nope/) }]);
    expect((await get('requests.csv')).status).toBe(404);
  });

  it('takes a posted request only with a valid key, and names each wrong field in GeoReport terms', async () => {
    const keyless = await post('requests.json', { ...pothole(), api_key: '' });
    expect(keyless).toMatchObject({ status: 403, body: [{ code: 403, description: expect.stringMatching(/api_key/) }] });
    const wrong = await post('requests.json', { ...pothole(), service_code: '', lat: 'north', description: '' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.map((e: { description: string }) => e.description.split(':')[0]).sort()).toEqual(['description', 'lat', 'service_code']);
    const plain = await fetch(`${base}/open311/v2/requests.json`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: new URLSearchParams(pothole()).toString() });
    expect({ status: plain.status, body: await plain.json() }).toEqual({ status: 415, body: [{ code: 415, description: expect.stringMatching(/text\/plain/) }] });
    const before = await world.query<{ n: number }>('dispatch', `SELECT count(*)::int AS n FROM "case"`);
    expect(before[0]!.n).toBe(0);

    const posted = await post('requests.json', pothole());
    expect(posted.status).toBe(201);
    expect(posted.body).toEqual([{ service_request_id: expect.stringMatching(/^\d{16}$/), service_notice: '' }]);
    const postedXml = await post('requests.xml', pothole({ description: 'Another pothole' }));
    expect(postedXml.body.service_requests.request.service_request_id).toMatch(/^\d{16}$/);
    const [stored] = await world.query<{ channel: string; reporter: { name: string; phone: string } }>('dispatch', `SELECT channel, reporter FROM "case" WHERE number = $1`, [posted.body[0].service_request_id]);
    expect(stored).toEqual({ channel: 'open311', reporter: { name: 'Wang Fang', phone: '13700000000' } });

    // A post sent again (its answer lost, say) answers the case the first made; any other post is a case of its own.
    const cases = async () => (await world.query<{ n: number }>('dispatch', `SELECT count(*)::int AS n FROM "case"`))[0]!.n;
    const count = await cases();
    const again = await post('requests.json', pothole());
    expect(again).toMatchObject({ status: 201, body: [{ service_request_id: posted.body[0].service_request_id }] });
    expect(await cases()).toBe(count);
    const other = await post('requests.json', pothole({ phone: '13700000001' }));
    expect(other.body[0].service_request_id).not.toBe(posted.body[0].service_request_id);
    expect(await cases()).toBe(count + 1);

    // A revoked key posts no more.
    const { body: keys } = await http.get('/admin/api-keys', admin);
    const revoked = await http.post(`/admin/api-keys/${keys.items[0].id}/revoke`, {}, admin);
    expect(revoked.body.revokedAt).toBeDefined();
    expect((await post('requests.json', pothole())).status).toBe(403);
    apiKey = (await http.post('/admin/api-keys', { name: 'Resident app, new key' }, admin)).body.key;
    const audit = await http.get('/admin/audit?route=/open311/v2/:document', admin);
    expect(audit.body.items.map((r: { username?: string; status: number }) => [r.username, r.status])).toEqual(expect.arrayContaining([['app Resident app', 201]]));
  });

  it('shows a request with its status and times, and never who reported it', async () => {
    const id = (await post('requests.json', pothole())).body[0].service_request_id;
    const one = await get(`requests/${id}.json`);
    expect(one.body).toEqual([
      {
        service_request_id: id,
        status: 'open',
        status_notes: expect.any(String),
        service_name: 'Pothole',
        service_code: 'roads.pothole',
        description: 'A deep pothole by the school gate',
        agency_responsible: 'housing',
        service_notice: '',
        requested_datetime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/),
        updated_datetime: expect.stringMatching(/\+08:00$/),
        expected_datetime: expect.stringMatching(/\+08:00$/),
        address: 'Gate of No. 3 Middle School',
        lat: 23.01,
        long: 113.005,
        media_url: 'https://photos.example.org/pothole.jpg',
      },
    ]);
    expect(one.text).not.toMatch(/Wang|Fang|13700000000/);
    const oneXml = await get(`requests/${id}.xml`);
    expect(oneXml.body.service_requests.request).toMatchObject({ service_request_id: id, status: 'open', lat: '23.01' });
    expect((await get(`tokens/${id}.json`)).body).toEqual([{ service_request_id: id, token: id }]);
    expect((await get('requests/2026010100009999.json')).body).toEqual([{ code: 404, description: expect.stringMatching(/case 2026010100009999/) }]);
  });

  it('lists requests by service, dates and status, paged, and by ids', async () => {
    const open = await get('requests.json?service_code=roads&status=open');
    expect(open.body.length).toBeGreaterThanOrEqual(3);
    expect(open.body.every((r: { status: string; service_code: string }) => r.status === 'open' && r.service_code.startsWith('roads'))).toBe(true);
    expect((await get('requests.json?status=closed')).body).toEqual([]);
    expect((await get(`requests.json?start_date=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`)).body).toEqual([]);
    const [first, second] = [(await get('requests.json?page_size=1&page=1')).body, (await get('requests.json?page_size=1&page=2')).body];
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(1);
    expect(second[0].service_request_id).not.toBe(first[0].service_request_id);
    const ids = open.body.slice(0, 2).map((r: { service_request_id: string }) => r.service_request_id);
    expect((await get(`requests.json?service_request_id=${ids.join(',')},2026010100009999`)).body.map((r: { service_request_id: string }) => r.service_request_id)).toEqual(ids);
    const bad = await get('requests.json?status=lost&page_size=5000&start_date=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.map((e: { description: string }) => e.description.split(':')[0]).sort()).toEqual(['page_size', 'start_date', 'status']);
    const list = await get('requests.xml?service_code=roads.pothole');
    expect(Array.isArray(list.body.service_requests.request)).toBe(true);
  });

  it('feeds request updates (servicerequestupdates) as FixMyStreet’s adapter polls them: each status change in the window, oldest first, in XML and JSON', async () => {
    const start = new Date(Date.now() - 1000).toISOString();
    const id = (await post('requests.json', pothole({ description: 'A pothole to follow' }))).body[0].service_request_id;
    const housing = new GridworkClient(world.nc, { department: 'housing', timeoutMs: 5_000 });
    const { id: caseId } = await world.client.request(subjects.dispatch.case.get, { idOrNumber: id });
    await housing.request(subjects.dispatch.case.claim, { caseId });
    await housing.request(subjects.dispatch.case.resolve, { caseId, resolution: 'Filled and rolled', attachments: [{ kind: 'photo', ref: 'https://photos.example.org/filled.jpg' }] });
    const end = new Date(Date.now() + 1000).toISOString();
    const resolveLine = (await world.client.request(subjects.dispatch.case.get, { idOrNumber: id })).timeline.find((line) => line.action === 'resolve');
    const window = `start_date=${encodeURIComponent(start)}&end_date=${encodeURIComponent(end)}`;

    const feed = await get(`servicerequestupdates.xml?${window}`);
    expect(feed.status).toBe(200);
    expect(feed.type).toMatch(/^text\/xml/);
    const updates = [feed.body.service_requests_updates.request_update].flat().filter((u: { service_request_id: string }) => u.service_request_id === id);
    expect(updates.map((u: { status: string }) => u.status)).toEqual(['open', 'investigating', 'action_scheduled', 'in_progress', 'fixed']);
    expect(updates.at(-1)).toEqual({
      update_id: `${id}-${resolveLine!.seq}`,
      service_request_id: id,
      status: 'fixed',
      updated_datetime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/),
      description: 'Filled and rolled',
      media_url: 'https://photos.example.org/filled.jpg',
    });
    expect(new Set(updates.map((u: { update_id: string }) => u.update_id)).size).toBe(updates.length);
    // Never who acted or who reported.
    expect(feed.text).not.toMatch(/Wang|Fang|13700000000/);

    const json = await get(`servicerequestupdates.json?${window}`);
    expect(json.body.filter((u: { service_request_id: string }) => u.service_request_id === id)).toEqual(updates);
    const [page1, page2] = [(await get(`servicerequestupdates.json?${window}&page_size=1`)).body, (await get(`servicerequestupdates.json?${window}&page_size=1&page=2`)).body];
    expect([...page1, ...page2]).toEqual(json.body.slice(0, 2));
    expect((await get(`servicerequestupdates.json?start_date=${encodeURIComponent(end)}&end_date=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).body).toEqual([]);

    const bad = await get(`servicerequestupdates.json?start_date=yesterday&page_size=0`);
    expect(bad.status).toBe(400);
    expect(bad.body.map((e: { description: string }) => e.description.split(':')[0]).sort()).toEqual(['page_size', 'start_date']);
    const backwards = await get(`servicerequestupdates.xml?start_date=${encodeURIComponent(end)}&end_date=${encodeURIComponent(start)}`);
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors.error.description).toMatch(/^end_date: end_date must be after start_date/);
  });

  it('defines a service by its category’s attributes, and keeps a post’s attribute[code] answers on the case, naming each wrong one', async () => {
    await world.client.request(subjects.dispatch.category.define, {
      code: 'roads.sign',
      name: 'Damaged sign',
      responsible: { kind: 'department', department: 'housing' },
      acceptHours: 2,
      completeHours: 48,
      hoursKind: 'calendar',
      attributes: [
        { code: 'damage', description: 'What happened to it?', datatype: 'singlevaluelist', required: true, order: 1, values: [{ key: 'fallen', name: 'Fallen down' }, { key: 'faded', name: 'Faded' }] },
        { code: 'hazards', description: 'What else is there?', datatype: 'multivaluelist', required: false, order: 2, values: [{ key: 'traffic', name: 'Heavy traffic' }, { key: 'school', name: 'A school nearby' }] },
        { code: 'height_m', description: 'How tall is the sign, in metres?', datatype: 'number', required: false, order: 3 },
      ],
    });
    const services = (await get('services.json')).body;
    expect(services.find((service: { service_code: string }) => service.service_code === 'roads.sign').metadata).toBe(true);
    expect(services.find((service: { service_code: string }) => service.service_code === 'roads.pothole').metadata).toBe(false);

    const definition = await get('services/roads.sign.json');
    expect(definition.body.service_code).toBe('roads.sign');
    expect(definition.body.attributes[0]).toEqual({
      variable: true,
      code: 'damage',
      datatype: 'singlevaluelist',
      required: true,
      datatype_description: expect.any(String),
      order: 1,
      description: 'What happened to it?',
      values: [{ key: 'fallen', name: 'Fallen down' }, { key: 'faded', name: 'Faded' }],
    });
    expect(definition.body.attributes.map((attribute: { code: string }) => attribute.code)).toEqual(['damage', 'hazards', 'height_m']);
    const definitionXml = await get('services/roads.sign.xml');
    const attributesXml = definitionXml.body.service_definition.attributes.attribute;
    expect(attributesXml.map((attribute: { code: string }) => attribute.code)).toEqual(['damage', 'hazards', 'height_m']);
    expect(attributesXml[0].values.value.map((value: { key: string }) => value.key)).toEqual(['fallen', 'faded']);
    expect(attributesXml[0]).toMatchObject({ variable: 'true', required: 'true', datatype: 'singlevaluelist', order: '1' });

    const sign = (extra: Record<string, string>) => ({ ...pothole({ service_code: 'roads.sign', description: 'The school sign fell' }), ...extra });
    const form = new URLSearchParams(sign({ 'attribute[damage]': 'fallen', 'attribute[height_m]': '2.5' }));
    form.append('attribute[hazards][]', 'traffic');
    form.append('attribute[hazards][]', 'school');
    const response = await fetch(`${base}/open311/v2/requests.json`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    const posted = (await response.json()) as { service_request_id: string }[];
    expect(response.status).toBe(201);
    const [stored] = await world.query<{ attributes: unknown }>('dispatch', `SELECT attributes FROM "case" WHERE number = $1`, [posted[0].service_request_id]);
    expect(stored!.attributes).toEqual({ damage: 'fallen', height_m: 2.5, hazards: ['traffic', 'school'] });

    const before = await world.query<{ n: number }>('dispatch', `SELECT count(*)::int AS n FROM "case"`);
    const wrong = await post('requests.json', sign({ 'attribute[height_m]': 'tall', 'attribute[colour]': 'red' }));
    expect(wrong.status).toBe(400);
    expect(wrong.body.map((error: { description: string }) => error.description.split(':')[0]).sort()).toEqual(['attribute[colour]', 'attribute[damage]', 'attribute[height_m]']);
    expect(wrong.body.find((error: { description: string }) => error.description.startsWith('attribute[damage]')).description).toBe('attribute[damage]: damage is required: What happened to it?');
    const wrongXml = await post('requests.xml', sign({ 'attribute[damage]': 'stolen' }));
    expect(wrongXml.body.errors.error).toEqual({ code: '400', description: 'attribute[damage]: damage must be one of fallen, faded' });
    expect(await world.query<{ n: number }>('dispatch', `SELECT count(*)::int AS n FROM "case"`)).toEqual(before);
  });
});
