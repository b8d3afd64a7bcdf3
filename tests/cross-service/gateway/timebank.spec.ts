import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjects } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { waitFor } from '@gridwork/testing';
import { gatewayService } from '@gridwork/gateway-service/definition';
import { GATEWAY_ENV, baseUrlOf, httpClient, type HttpClient } from '@gridwork/gateway-service/test-fixtures';
import { gridService } from '@gridwork/grid-service/definition';
import { smallCity } from '@gridwork/grid-service/test-fixtures';
import { timebankService } from '@gridwork/timebank-service/definition';

const PASSWORD = 'a long enough passphrase';

/**
 * The timebank service over HTTP, as a community's volunteer office and its
 * volunteers use it: an organizer registers a volunteer, runs an activity
 * and verifies the hours, deposited once; the gateway checks the role and the
 * area a request names, and the timebank service keeps the person's areas
 * itself (the actor's `areas` and `withinAreas` the gateway fills in).
 */
describe('gateway: the timebank service over HTTP', () => {
  let world: TestWorld;
  let http: HttpClient;
  const t: Record<string, string> = {};
  let volunteer: { id: string; timeAccountId: string };
  let activityId: string;

  beforeAll(async () => {
    world = await testWorld(['grid', 'timebank', 'gateway']);
    await world.start(timebankService, 'timebank');
    await world.start(gridService, 'grid');
    await world.client.request(subjects.grid.area.import, { featureCollection: smallCity() });
    Object.assign(process.env, GATEWAY_ENV);
    http = httpClient(await baseUrlOf(await world.start(gatewayService, 'gateway')));
    t.admin = (await http.signIn(GATEWAY_ENV.GATEWAY_ADMIN_USERNAME, GATEWAY_ENV.GATEWAY_ADMIN_PASSWORD)).accessToken;
    expect((await http.post('/grid/areas', { code: 'T02', name: 'District Two', level: 'district', parentCode: 'T0' }, t.admin)).status).toBe(201);
    const people: Record<string, object[]> = {
      organizer: [{ role: 'organizer', areaCode: 'T010101' }],
      otherOrganizer: [{ role: 'organizer', areaCode: 'T02' }],
      volunteer: [{ role: 'volunteer' }],
      resident: [{ role: 'resident' }],
    };
    for (const [username, grants] of Object.entries(people)) {
      expect((await http.post('/admin/accounts', { username, displayName: `Person ${username}`, password: PASSWORD, grants }, t.admin)).status).toBe(201);
      t[username] = (await http.signIn(username, PASSWORD)).accessToken;
    }
    // The timebank service learns the communities from grid's events.
    await waitFor('areas in timebank', async () => {
      const [row] = await world.query<{ n: number }>('timebank', `SELECT count(*)::int AS n FROM known_area WHERE code IN ('T010101', 'T02')`);
      return row!.n === 2 || undefined;
    });
  });
  afterAll(() => world?.dispose());

  it('lets a community organizer register a volunteer there, and no organizer of another area', async () => {
    const registration = { id: randomUUID(), name: '李伟', homeCommunityCode: 'T010101', skills: ['first-aid'] };
    const outside = await http.post('/timebank/volunteers', registration, t.otherOrganizer);
    expect(outside).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect((await http.post('/timebank/volunteers', registration, t.volunteer)).status).toBe(403);
    const registered = await http.post('/timebank/volunteers', registration, t.organizer);
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    volunteer = registered.body;
    // The actor is the signed-in person; a body that names one is refused.
    const named = await http.post('/timebank/volunteers', { ...registration, id: randomUUID(), actor: { id: 'x' } }, t.organizer);
    expect(named).toMatchObject({ status: 400, body: { details: [{ field: 'actor' }] } });
    // The other area's organizer may not read the volunteer's account: the timebank service refuses it itself.
    expect((await http.get(`/timebank/accounts/${volunteer.timeAccountId}`, t.otherOrganizer)).status).toBe(403);
    expect((await http.get(`/timebank/accounts/${volunteer.timeAccountId}`, t.organizer)).body).toMatchObject({ ownerId: volunteer.id, currency: 'time', balance: 0 });
  });

  it('runs an activity to verified hours, deposited once however often the verification is sent', async () => {
    const start = Date.now() - 3 * 3600_000;
    const posted = await http.post(
      '/timebank/activities',
      { id: randomUUID(), title: '探访独居老人', organizerKind: 'community', organizerId: 'T010101', communityCode: 'T010101', place: 'Community centre', startsAt: new Date(start).toISOString(), endsAt: new Date(start + 2 * 3600_000).toISOString(), places: 5 },
      t.organizer,
    );
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    activityId = posted.body.id;
    // Volunteers and residents read activities.
    expect((await http.get(`/timebank/activities/${activityId}`, t.volunteer)).body).toMatchObject({ title: '探访独居老人' });
    expect((await http.get(`/timebank/activities/${activityId}`, t.resident)).status).toBe(200);
    expect((await http.post(`/timebank/activities/${activityId}/sign-up`, { volunteerId: volunteer.id }, t.organizer)).status).toBe(200);
    expect((await http.post(`/timebank/activities/${activityId}/check-in`, { volunteerId: volunteer.id, at: new Date(start).toISOString() }, t.organizer)).status).toBe(200);
    expect((await http.post(`/timebank/activities/${activityId}/check-out`, { volunteerId: volunteer.id, at: new Date(start + 90 * 60_000).toISOString() }, t.organizer)).status).toBe(200);
    const verification = { id: randomUUID(), volunteerId: volunteer.id };
    const verified = await http.post(`/timebank/activities/${activityId}/verify-hours`, verification, t.organizer);
    expect(verified).toMatchObject({ status: 200, body: { state: 'verified', minutes: 90 } });
    expect((await http.post(`/timebank/activities/${activityId}/verify-hours`, verification, t.organizer)).body).toEqual(verified.body);
    expect((await http.get(`/timebank/accounts/${volunteer.timeAccountId}`, t.organizer)).body.balance).toBe(90);
    // Another area's organizer may not verify what happened here.
    expect((await http.post(`/timebank/activities/${activityId}/verify-hours`, { id: randomUUID(), volunteerId: volunteer.id }, t.otherOrganizer)).status).toBe(403);
    // The leaderboard is for everyone signed in.
    const board = await http.get('/timebank/reports/leaderboard?areaCode=T010101&measure=minutes', t.volunteer);
    expect(board.status, JSON.stringify(board.body)).toBe(200);
    expect(JSON.stringify(board.body)).toContain(volunteer.id);
  });

  it('records the writes with who acted', async () => {
    const audit = await http.get('/admin/audit?route=/timebank/activities/:activityId/verify-hours', t.admin);
    expect(audit.body.items.map((r: { username: string; status: number }) => `${r.username} ${r.status}`).sort()).toEqual(['organizer 200', 'organizer 200', 'otherOrganizer 403']);
  });
});
