import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { waitFor } from '@gridwork/testing';
import { gatewayService } from '@gridwork/gateway-service/definition';
import { GATEWAY_ENV, baseUrlOf, httpClient, type HttpClient } from '@gridwork/gateway-service/test-fixtures';
import { orgService } from '@gridwork/org-service/definition';
import { subjects } from '@gridwork/contracts';
import { gridService } from '@gridwork/grid-service/definition';
import { smallCity } from '@gridwork/grid-service/test-fixtures';

const PASSWORD = 'a long enough passphrase';
const ID_NUMBER = '44010619800101123X';

/**
 * The org service over HTTP, as the people of an area's party work use it:
 * the gateway checks the role (and the area a request names), and the org
 * service keeps the person's areas itself (the actor's and viewer's `areas`
 * the gateway fills in), masking personal data for all but platform admins.
 */
describe('gateway: the org service over HTTP', () => {
  let world: TestWorld;
  let http: HttpClient;
  const t: Record<string, string> = {};
  const orgs: Record<string, string> = {};
  let memberId: string;

  beforeAll(async () => {
    world = await testWorld(['grid', 'org', 'gateway']);
    await world.start(orgService, 'org');
    await world.start(gridService, 'grid');
    await world.client.request(subjects.grid.area.import, { featureCollection: smallCity() });
    Object.assign(process.env, GATEWAY_ENV);
    http = httpClient(await baseUrlOf(await world.start(gatewayService, 'gateway')));
    t.admin = (await http.signIn(GATEWAY_ENV.GATEWAY_ADMIN_USERNAME, GATEWAY_ENV.GATEWAY_ADMIN_PASSWORD)).accessToken;
    expect((await http.post('/grid/areas', { code: 'T02', name: 'District Two', level: 'district', parentCode: 'T0' }, t.admin)).status).toBe(201);
    const people: Record<string, object[]> = {
      districtAdmin: [{ role: 'area-admin', areaCode: 'T01' }],
      otherAdmin: [{ role: 'area-admin', areaCode: 'T02' }],
      dispatcher: [{ role: 'dispatcher', areaCode: 'T01' }],
      resident: [{ role: 'resident' }],
    };
    for (const [username, grants] of Object.entries(people)) {
      expect((await http.post('/admin/accounts', { username, displayName: `Person ${username}`, password: PASSWORD, grants }, t.admin)).status).toBe(201);
      t[username] = (await http.signIn(username, PASSWORD)).accessToken;
    }
    // The org service learns the areas from grid's events.
    await waitFor('areas in org', async () => {
      const [row] = await world.query<{ n: number }>('org', `SELECT count(*)::int AS n FROM known_area WHERE code IN ('T010101', 'T02')`);
      return row!.n === 2 || undefined;
    });
  });
  afterAll(() => world?.dispose());

  it("lets an area's admin build the party organizations of its area, and no one outside it", async () => {
    const city = await http.post('/org/organizations', { name: '市委', kind: 'committee', type: 'agency', areaCode: 'T0', setup: 'standalone' }, t.admin);
    expect(city).toMatchObject({ status: 201, body: { kind: 'committee', areaCode: 'T0' } });
    orgs.city = city.body.id;
    // Outside T01: refused by the gateway, naming the area.
    const outside = await http.post('/org/organizations', { name: '区委', kind: 'committee', type: 'agency', areaCode: 'T02', parentId: orgs.city, setup: 'standalone' }, t.districtAdmin);
    expect(outside).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    const township = await http.post('/org/organizations', { name: '街道党工委', kind: 'committee', type: 'agency', areaCode: 'T0101', parentId: orgs.city, setup: 'standalone' }, t.districtAdmin);
    expect(township.status, JSON.stringify(township.body)).toBe(201);
    orgs.township = township.body.id;
    const community = await http.post('/org/organizations', { name: '社区党委', kind: 'committee', type: 'community', areaCode: 'T010101', parentId: orgs.township, setup: 'standalone' }, t.districtAdmin);
    orgs.community = community.body.id;
    const branch = await http.post('/org/organizations', { name: '第一党支部', kind: 'branch', type: 'community', areaCode: 'T010101', parentId: orgs.community, setup: 'standalone' }, t.districtAdmin);
    expect(branch.status).toBe(201);
    orgs.branch = branch.body.id;
    // The actor is the signed-in person; a body that names one is refused.
    const named = await http.post('/org/organizations', { name: 'x', kind: 'branch', type: 'community', areaCode: 'T010101', parentId: orgs.community, setup: 'standalone', actor: { id: 'x' } }, t.districtAdmin);
    expect(named).toMatchObject({ status: 400, body: { details: [{ field: 'actor' }] } });
    // The other district's admin may not change what lies in T01: the org service refuses it itself.
    const dissolve = await http.post(`/org/organizations/${orgs.branch}/dissolve`, { reason: 'not theirs' }, t.otherAdmin);
    expect(dissolve).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    // Staff read the tree; residents do not.
    const subtree = await http.get(`/org/organizations/${orgs.township}/subtree`, t.dispatcher);
    expect(subtree.status).toBe(200);
    expect(JSON.stringify(subtree.body)).toContain('branch');
    expect((await http.get(`/org/organizations/${orgs.township}`, t.resident)).status).toBe(403);
  });

  it('keeps members for the area admin, their ID numbers masked unless a platform admin reads them', async () => {
    const registered = await http.post(
      '/org/members',
      { number: 'M000001', name: '王晓明', idNumber: ID_NUMBER, phone: '13800138000', organizationId: orgs.branch, status: 'full', joinedOn: '2015-07-01', convertedOn: '2016-07-01' },
      t.districtAdmin,
    );
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    memberId = registered.body.id;
    const masked = await http.get(`/org/members/${memberId}`, t.districtAdmin);
    expect(masked).toMatchObject({ status: 200, body: { name: '王晓明', masked: true } });
    expect(JSON.stringify(masked.body)).not.toContain(ID_NUMBER);
    const full = await http.get(`/org/members/${memberId}`, t.admin);
    expect(full.body).toMatchObject({ idNumber: ID_NUMBER, masked: false });
    // Outside their areas, the org service refuses; and a dispatcher has no role for members.
    expect((await http.get(`/org/members/${memberId}`, t.otherAdmin)).status).toBe(403);
    expect((await http.get(`/org/members?withinOrganizationId=${orgs.township}&name=晓`, t.dispatcher)).status).toBe(403);
    const found = await http.get(`/org/members?withinOrganizationId=${orgs.township}&name=${encodeURIComponent('晓')}`, t.districtAdmin);
    expect(found.body.items.map((m: { id: string }) => m.id)).toEqual([memberId]);
    const byIdNumber = await http.get(`/org/members?idNumber=${ID_NUMBER}`, t.districtAdmin);
    expect(byIdNumber.body.items.map((m: { id: string }) => m.id)).toEqual([memberId]);
    // The other district searches its own areas only.
    const elsewhere = await http.get(`/org/members?idNumber=${ID_NUMBER}`, t.otherAdmin);
    expect(elsewhere.body.items ?? []).toEqual([]);
  });

  it('records the writes with who acted', async () => {
    const audit = await http.get('/admin/audit?route=/org/organizations&username=districtAdmin', t.admin);
    expect(audit.body.items.map((r: { status: number }) => r.status).sort()).toEqual([201, 201, 201, 400, 403]);
    const refused = await http.get('/admin/audit?route=/org/organizations/:id/dissolve', t.admin);
    expect(refused.body.items).toEqual([expect.objectContaining({ username: 'otherAdmin', status: 403 })]);
  });
});
