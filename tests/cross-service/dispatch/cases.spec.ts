import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, GridworkError, subjects, type Case, type ReportCaseRequest } from '@gridwork/contracts';
import { GridworkClient } from '@gridwork/client';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { waitFor } from '@gridwork/testing';
import { today } from '@gridwork/local-time';
import { admissionService } from '@gridwork/admission-service/definition';
import { dispatchService } from '@gridwork/dispatch-service/definition';
import { startGridWithSmallCity } from '../fixtures/small-city.js';

const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as GridworkError);
const operator = { kind: 'operator' as const, id: 'op-1', name: 'Dispatcher Li' };
/** Community staff act through an operator's account (the gateway will give them one). */
const communityStaff = { kind: 'operator' as const, id: 'community-staff', name: 'Community staff Sun' };
/** Inside grid T01010101 (west) of the small city; T010101 is its community, T0101 its township, T01 its district. */
const WEST = { longitude: 113.005, latitude: 23.01 };

/**
 * The dispatch hub end to end: the grid service's events feed dispatch's
 * grid read model, cases come in over NATS, are routed, and move through
 * their lifecycle; department systems act on their own cases only.
 */
describe('dispatch cases', () => {
  let world: TestWorld;
  let emergency: GridworkClient;
  let housing: GridworkClient;
  let n = 0;
  const report = (overrides: Partial<ReportCaseRequest> = {}, client?: GridworkClient) =>
    (client ?? world.client).request(subjects.dispatch.case.report, {
      idempotencyKey: `key-${++n}`,
      channel: 'hotline-12345',
      categoryCode: 'environment.garbage',
      description: 'Garbage piling up by the gate',
      location: WEST,
      reporter: { name: 'Resident Wang', phone: '13800000000' },
      ...overrides,
    });
  const timelineOf = async (id: string) => (await world.client.request(subjects.dispatch.case.get, { idOrNumber: id })).timeline;

  let dispatch: INestApplication;

  beforeAll(async () => {
    world = await testWorld(['grid', 'dispatch', 'admission']);
    dispatch = await world.start(dispatchService, 'dispatch');
    emergency = new GridworkClient(world.nc, { department: 'emergency', timeoutMs: 5_000 });
    housing = new GridworkClient(world.nc, { department: 'housing', timeoutMs: 5_000 });
    await world.client.request(subjects.dispatch.category.define, {
      code: 'environment',
      name: 'Environment',
      responsible: { kind: 'level', level: 'grid' },
      acceptHours: 2,
      completeHours: 24,
      hoursKind: 'working',
    });
    await world.client.request(subjects.dispatch.category.define, {
      code: 'environment.garbage',
      name: 'Garbage',
      responsible: { kind: 'level', level: 'grid' },
      acceptHours: 1,
      completeHours: 8,
      hoursKind: 'calendar',
    });
    await world.client.request(subjects.dispatch.category.define, {
      code: 'safety',
      name: 'Safety hazard',
      responsible: { kind: 'department', department: 'emergency' },
      acceptHours: 1,
      completeHours: 48,
      hoursKind: 'calendar',
      admissionItem: 'safety-patrol',
    });
  });
  afterAll(() => world?.dispose());

  it('takes a case in before any grid data has arrived, and says why it is not routed', async () => {
    const { case: reported, created } = await report();
    expect(created).toBe(true);
    expect(reported).toMatchObject({ state: 'reported', areaPath: [], channel: 'hotline-12345' });
    expect(reported.gridCode).toBeUndefined();
    expect(reported.number).toMatch(/^\d{16}$/);
    // The Beijing date of the report, then the sequence; stored, and announced, as answered.
    expect(reported.number.slice(0, 8)).toBe(new Date(Date.parse(reported.reportedAt) + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', ''));
    const [stored] = await world.query<{ number: string; announced: string }>(
      'dispatch',
      `SELECT c.number, o.payload->>'number' AS announced FROM "case" c JOIN outbox o ON o.subject = $2 AND o.payload->>'caseId' = c.id::text WHERE c.id = $1`,
      [reported.id, subjects.dispatch.case.reported.subject],
    );
    expect(stored).toEqual({ number: reported.number, announced: reported.number });
    const timeline = await timelineOf(reported.id);
    expect(timeline.map((t) => t.action)).toEqual(['report', 'route']);
    expect(timeline[0]!.reason).toMatch(/no grid data has been received from the grid service yet/);
    expect(timeline[1]!.reason).toMatch(/gives the case to the grid level, but the case has no known grid/);

    // Operators still see the queues that exist while grid's and admission's streams do not.
    const metrics = await (await fetch(`${(await dispatch.getUrl()).replace('[::1]', '127.0.0.1')}/metrics`)).text();
    expect(metrics).toMatch(/gov_consumer_pending_messages\{[^}]*stream="GOV_DISPATCH"[^}]*\} \d+/);
    expect(metrics).not.toMatch(/gov_consumer_pending_messages\{[^}]*stream="GOV_GRID"/);
  });

  it('refuses bad reports naming each field, and stores nothing', async () => {
    const before = (await world.query<{ n: number }>('dispatch', `SELECT count(*)::int AS n FROM "case"`))[0]!.n;
    const bad = await errorOf(
      world.client.request(subjects.dispatch.case.report, {
        idempotencyKey: '',
        channel: 'fax' as never,
        categoryCode: 'Not A Code',
        description: '',
        location: { longitude: 500, latitude: 23 },
      }),
    );
    expect(bad?.details?.map((d) => d.field).sort()).toEqual(['categoryCode', 'channel', 'description', 'idempotencyKey', 'location.longitude']);
    const nowhere = await errorOf(report({ location: undefined }));
    expect(nowhere?.details?.map((d) => d.field)).toEqual(['location']);
    // Coordinates are numbers, checked as grid.area.locate checks them.
    const texts = await errorOf(report({ location: { longitude: '113.015', latitude: 23.01 } as never }));
    expect(texts?.details).toEqual([{ field: 'location.longitude', messages: ['longitude must be a number of degrees from -180 to 180, not a string'] }]);
    const swapped = await errorOf(report({ location: { longitude: 23.01, latitude: 113.015 } }));
    expect(swapped?.details).toEqual([{ field: 'location.latitude', messages: ['latitude 113.015 is out of range (-90..90): longitude 23.01 and latitude 113.015 look swapped'] }]);
    const unknown = await errorOf(report({ categoryCode: 'noise' }));
    expect(unknown?.code).toBe(ErrorCode.NOT_FOUND);
    const notDepartment = await errorOf(report({ channel: 'department', pushDownTo: 'grid' }));
    expect(notDepartment?.details?.map((d) => d.field)).toEqual(['channel', 'pushDownTo']);
    expect((await world.query<{ n: number }>('dispatch', `SELECT count(*)::int AS n FROM "case"`))[0]!.n).toBe(before);
    // A NUL character, which PostgreSQL's text cannot hold, is refused by name instead of failing at the database.
    const nul = await errorOf(report({ description: 'Pothole\u0000' }));
    expect(nul?.details).toEqual([{ field: 'description', messages: ['contains the character U+0000 (NUL), which cannot be stored'] }]);
  });

  it('learns the grids from the grid service and routes by the most specific rule', async () => {
    await startGridWithSmallCity(world);
    const byCategory = await report();
    expect(byCategory.case).toMatchObject({ state: 'assigned', gridCode: 'T01010101', owner: { kind: 'level', level: 'grid', areaCode: 'T01010101' } });
    expect(byCategory.case.areaPath).toEqual(['T0', 'T01', 'T0101', 'T010101', 'T01010101']);
    // Calendar hours: one hour to claim, eight to resolve.
    const reportedAt = Date.parse(byCategory.case.reportedAt);
    expect(Date.parse(byCategory.case.acceptDueAt!) - reportedAt).toBe(3600_000);
    expect(Date.parse(byCategory.case.completeDueAt!) - reportedAt).toBe(8 * 3600_000);

    await world.client.request(subjects.dispatch.routing.setRule, { categoryCode: 'environment', areaCode: 'T0101', responsible: { kind: 'level', level: 'community' } });
    await world.client.request(subjects.dispatch.routing.setRule, { categoryCode: 'environment.garbage', responsible: { kind: 'department', department: 'city-management' } });
    // The township rule is deeper in the area tree than the city-wide garbage rule, so it wins.
    const decision = await world.client.request(subjects.dispatch.routing.resolve, { categoryCode: 'environment.garbage', gridCode: 'T01010101' });
    expect(decision.owner).toEqual({ kind: 'level', level: 'community', areaCode: 'T010101' });
    const routed = await report();
    expect(routed.case.owner).toEqual({ kind: 'level', level: 'community', areaCode: 'T010101' });
    const timeline = await timelineOf(routed.case.id);
    expect(timeline.map((t) => [t.action, t.fromState, t.toState])).toEqual([
      ['report', undefined, 'reported'],
      ['accept', 'reported', 'accepted'],
      ['assign', 'accepted', 'assigned'],
    ]);
    expect(timeline[2]!.reason).toMatch(/^rule .* \(environment in T0101\)$/);
    const unknownArea = await errorOf(world.client.request(subjects.dispatch.routing.setRule, { categoryCode: 'environment', areaCode: 'NOPE', responsible: { kind: 'level', level: 'grid' } }));
    expect(unknownArea?.code).toBe(ErrorCode.NOT_FOUND);
    const halfResponsibility = await errorOf(world.client.request(subjects.dispatch.routing.setRule, { categoryCode: 'environment', responsible: { kind: 'level' } }));
    expect(halfResponsibility?.details?.[0]?.messages[0]).toMatch(/responsible.level is required/);
  });

  it('places a case whose point is in no grid by the deepest area around it', async () => {
    // Grid learns the areas above grids from grid.area.changed, their boundaries with them.
    await waitFor('area boundaries in dispatch', async () => {
      const [row] = await world.query<{ n: number }>('dispatch', `SELECT count(*)::int AS n FROM known_area WHERE level <> 'grid' AND boundary IS NOT NULL`);
      return row!.n === 4 || undefined;
    });
    const inTownship = (await report({ categoryCode: 'environment', location: { longitude: 113.03, latitude: 23.03 } })).case;
    expect(inTownship).toMatchObject({ state: 'reported', areaPath: ['T0', 'T01', 'T0101'] });
    expect(inTownship.gridCode).toBeUndefined();
    expect((await timelineOf(inTownship.id))[0]!.reason).toBe('the point is in no known grid, inside T0101');
    // Only in the district (it reaches east beyond the township), and outside the city altogether.
    expect((await report({ categoryCode: 'environment', location: { longitude: 113.08, latitude: 23.08 } })).case.areaPath).toEqual(['T0', 'T01']);
    expect((await report({ categoryCode: 'environment', location: { longitude: 114.5, latitude: 24.5 } })).case.areaPath).toEqual([]);
    // A district-level task in no grid now has its district to go to.
    const districtTask = await world.client.request(subjects.dispatch.routing.setRule, {
      categoryCode: 'environment',
      areaCode: 'T01',
      responsible: { kind: 'level', level: 'district' },
    });
    try {
      const routed = (await report({ categoryCode: 'environment', location: { longitude: 113.08, latitude: 23.08 } })).case;
      expect(routed).toMatchObject({ state: 'assigned', owner: { kind: 'level', level: 'district', areaCode: 'T01' } });
    } finally {
      await world.client.request(subjects.dispatch.routing.removeRule, { id: districtTask.id });
    }
  });

  it('lists cases by category (and those under it) and by when they were reported', async () => {
    const before = new Date().toISOString();
    const garbage = (await report()).case;
    const list = (filters: object) => world.client.request(subjects.dispatch.case.list, { limit: 200, ...filters });
    const underEnvironment = (await list({ categoryCode: 'environment', reportedFrom: before })).items.map((c) => c.id);
    expect(underEnvironment).toContain(garbage.id);
    expect((await list({ categoryCode: 'environment.garbage', reportedFrom: before })).items.map((c) => c.id)).toEqual([garbage.id]);
    expect((await list({ categoryCode: 'safety', reportedFrom: before })).items).toEqual([]);
    expect((await list({ reportedTo: before })).items.map((c) => c.id)).not.toContain(garbage.id);
    const bad = await errorOf(list({ categoryCode: 'Not A Code', reportedFrom: 'yesterday' }));
    expect(bad?.details?.map((d) => d.field).sort()).toEqual(['categoryCode', 'reportedFrom']);
  });

  it("keeps a person's scope itself: reads and changes outside the actor's areas are refused", async () => {
    const c = (await report()).case;
    expect(c.areaPath).toContain('T01');
    const elsewhere = { ...operator, areas: ['T09'] };
    const refused = await errorOf(world.client.request(subjects.dispatch.case.accept, { caseId: c.id, actor: elsewhere }));
    expect(refused).toMatchObject({ code: ErrorCode.FORBIDDEN, message: `case ${c.number} lies outside T09, where op-1 acts` });
    expect((await errorOf(world.client.request(subjects.dispatch.case.get, { idOrNumber: c.id, withinAreas: ['T09'] })))?.code).toBe(ErrorCode.FORBIDDEN);
    expect((await world.client.request(subjects.dispatch.case.get, { idOrNumber: c.id, withinAreas: ['T09', 'T0101'] })).id).toBe(c.id);
    const listed = (areas: string[]) => world.client.request(subjects.dispatch.case.list, { withinAreas: areas, limit: 200 });
    expect((await listed(['T09'])).items).toEqual([]);
    expect((await listed(['T01'])).items.map((i) => i.id)).toContain(c.id);
    expect((await errorOf(world.client.request(subjects.dispatch.case.supervise, { caseId: c.id, actor: elsewhere, issuer: { level: 'platform' }, note: 'x' })))?.code).toBe(ErrorCode.FORBIDDEN);
    expect((await errorOf(world.client.request(subjects.dispatch.case.blowWhistle, { caseId: c.id, actor: elsewhere, departments: ['water'], reason: 'x' })))?.code).toBe(ErrorCode.FORBIDDEN);
    // Inside its areas the actor acts as before.
    expect((await world.client.request(subjects.dispatch.case.reject, { caseId: c.id, actor: { ...operator, areas: ['T0101'] }, reason: 'not ours' })).state).toBe('rejected');
    expect((await errorOf(world.client.request(subjects.dispatch.case.list, { withinAreas: ['not a code!'] })))?.details?.[0]?.field).toBe('withinAreas');
  });

  it('takes a category change into account at once: a retired category is refused', async () => {
    const parking = {
      code: 'parking',
      name: 'Parking',
      responsible: { kind: 'level', level: 'grid' },
      acceptHours: 1,
      completeHours: 8,
      hoursKind: 'calendar',
    } as const;
    await world.client.request(subjects.dispatch.category.define, parking);
    expect((await report({ categoryCode: 'parking' })).created).toBe(true);
    await world.client.request(subjects.dispatch.category.define, { ...parking, retired: true });
    const refused = await errorOf(report({ categoryCode: 'parking' }));
    expect(refused?.details).toEqual([{ field: 'categoryCode', messages: ['category parking is retired'] }]);
  });

  it('answers a replayed report with the original case, also when retries arrive together', async () => {
    const first = await report({ idempotencyKey: 'replayed' });
    const again = await report({ idempotencyKey: 'replayed', description: 'a retry' });
    expect(again).toEqual({ case: first.case, created: false });
    // A replay is answered with the original even where the report itself would now be refused.
    expect(await report({ idempotencyKey: 'replayed', categoryCode: 'noise' })).toEqual({ case: first.case, created: false });
    const [{ announced }] = await world.query<{ announced: number }>('dispatch', `SELECT count(*)::int AS announced FROM outbox WHERE payload->>'caseId' = $1`, [first.case.id]);
    expect(announced).toBe(first.case.owner ? 2 : 1);
    const together = await Promise.all(Array.from({ length: 20 }, () => report({ idempotencyKey: 'burst' })));
    expect(new Set(together.map((r) => r.case.id)).size).toBe(1);
    expect(together.filter((r) => r.created)).toHaveLength(1);
    // Keys are per reporting party: a department's key does not collide with the hotline's.
    const departmental = await report({ idempotencyKey: 'replayed', categoryCode: 'safety' }, emergency);
    expect(departmental.created).toBe(true);
  });

  it('moves a case through its whole life, reopening once and then sending it up a level', async () => {
    const { case: c } = await report({ categoryCode: 'environment' });
    expect(c.owner).toMatchObject({ level: 'community', areaCode: 'T010101' });
    const step = (endpoint: typeof subjects.dispatch.case.claim, extra: object = {}) => world.client.request(endpoint, { caseId: c.id, actor: communityStaff, ...extra } as never) as Promise<Case>;
    await step(subjects.dispatch.case.claim);
    await step(subjects.dispatch.case.resolve, { resolution: 'cleared the heap' });
    const reopened = await world.client.request(subjects.dispatch.case.callback, { caseId: c.id, actor: operator, satisfaction: 'unsatisfied', comment: 'still smells' });
    expect(reopened).toMatchObject({ state: 'reopened', reopenCount: 1, owner: { areaCode: 'T010101' } });
    await step(subjects.dispatch.case.claim);
    await step(subjects.dispatch.case.resolve, { resolution: 'washed the ground' });
    const escalated = await world.client.request(subjects.dispatch.case.callback, { caseId: c.id, actor: operator, satisfaction: 'unsatisfied' });
    expect(escalated).toMatchObject({ state: 'assigned', reopenCount: 2, owner: { kind: 'level', level: 'township', areaCode: 'T0101' } });
    const tooEarly = await errorOf(world.client.request(subjects.dispatch.case.close, { caseId: c.id, actor: operator }));
    expect(tooEarly?.code).toBe(ErrorCode.CONFLICT);
    expect(tooEarly?.message).toMatch(/is assigned: it cannot be closed \(only from verified\)/);
    await step(subjects.dispatch.case.claim);
    await step(subjects.dispatch.case.resolve, { resolution: 'moved the bins' });
    await world.client.request(subjects.dispatch.case.callback, { caseId: c.id, actor: operator, satisfaction: 'basically-satisfied' });
    const closed = await world.client.request(subjects.dispatch.case.close, { caseId: c.id, actor: operator });
    expect(closed).toMatchObject({ state: 'closed', satisfaction: 'basically-satisfied' });
    const timeline = await timelineOf(c.id);
    expect(timeline.map((t) => t.toState)).toEqual([
      'reported', 'accepted', 'assigned', 'in-progress', 'resolved', 'reopened', 'in-progress', 'resolved', 'assigned', 'in-progress', 'resolved', 'verified', 'closed',
    ]);
    expect(timeline.map((t) => t.seq)).toEqual(timeline.map((_, i) => i + 1));
    expect(timeline[5]).toMatchObject({ actorKind: 'operator', actorId: 'op-1', actorName: 'Dispatcher Li', data: { comment: 'still smells' } });
    const events = await world.query<{ subject: string }>('dispatch', `SELECT subject FROM outbox WHERE payload->>'caseId' = $1 OR payload->'case'->>'id' = $1 ORDER BY seq`, [c.id]);
    expect(events.filter((e) => e.subject === 'gov.evt.dispatch.case.state-changed')).toHaveLength(10);
    expect(events.at(-1)!.subject).toBe('gov.evt.dispatch.case.closed');
    // Events keep no personal data that reaches a person: the reporter's name travels, the phone does not (case.get has it).
    const [closedEvent] = await world.query<{ payload: { case: Case } }>('dispatch', `SELECT payload FROM outbox WHERE subject = 'gov.evt.dispatch.case.closed' AND payload->'case'->>'id' = $1`, [c.id]);
    expect(closedEvent!.payload.case.reporter).toEqual({ name: 'Resident Wang' });
    expect(closed.reporter).toEqual({ name: 'Resident Wang', phone: '13800000000' });
    // The history is never rewritten, not even from inside the database.
    await expect(world.query('dispatch', `UPDATE case_timeline SET reason = 'edited' WHERE case_id = $1`, [c.id])).rejects.toThrow(/never rewritten/);
  });

  it('lets a department act only on its own cases, and hand one back to the dispatcher', async () => {
    const { case: c } = await report({ categoryCode: 'safety', description: 'Loose manhole cover' });
    expect(c.owner).toEqual({ kind: 'department', department: 'emergency' });
    const stranger = await errorOf(housing.request(subjects.dispatch.case.claim, { caseId: c.id }));
    expect(stranger?.code).toBe(ErrorCode.FORBIDDEN);
    const strangerRead = await errorOf(housing.request(subjects.dispatch.case.get, { idOrNumber: c.number }));
    expect(strangerRead?.code).toBe(ErrorCode.FORBIDDEN);
    const own = await emergency.request(subjects.dispatch.case.list, { states: ['assigned'] });
    expect(own.items.map((i) => i.id)).toContain(c.id);
    expect(own.items.every((i) => i.owner?.department === 'emergency')).toBe(true);
    expect((await housing.request(subjects.dispatch.case.list, {})).items).toEqual([]);
    await emergency.request(subjects.dispatch.case.claim, { caseId: c.id });
    const handedBack = await emergency.request(subjects.dispatch.case.handBack, { caseId: c.id, reason: 'a road matter, not ours' });
    expect(handedBack.state).toBe('handed-back');
    expect(handedBack.owner).toBeUndefined();
    const queue = await world.client.request(subjects.dispatch.case.list, { queue: 'dispatcher' });
    expect(queue.items.map((i) => i.id)).toContain(c.id);
    // The department still sees the case it handed back, and what became of it.
    const afterHandBack = await emergency.request(subjects.dispatch.case.get, { idOrNumber: c.number });
    expect(afterHandBack.timeline.map((t) => t.action)).toEqual(['report', 'accept', 'assign', 'claim', 'hand-back']);
    const reassigned = await world.client.request(subjects.dispatch.case.assign, { caseId: c.id, actor: operator, to: { kind: 'department', department: 'housing' }, reason: 'roads are housing’s' });
    expect(reassigned.owner).toEqual({ kind: 'department', department: 'housing' });
    await housing.request(subjects.dispatch.case.claim, { caseId: c.id });
    const noActor = await errorOf(world.client.request(subjects.dispatch.case.reject, { caseId: c.id, reason: 'x' } as never));
    expect(noActor?.details?.[0]?.field).toBe('actor');
    // A department cannot reject; the dispatcher can, while the department is at work on it, and the department is told.
    expect((await errorOf(housing.request(subjects.dispatch.case.reject, { caseId: c.id, reason: 'not ours' } as never)))?.code).toBe(ErrorCode.FORBIDDEN);
    const rejected = await world.client.request(subjects.dispatch.case.reject, { caseId: c.id, actor: operator, reason: 'a private contract dispute after all' });
    expect(rejected).toMatchObject({ state: 'rejected', owner: { kind: 'department', department: 'housing' } });
    const notice = await waitFor('housing told its case was withdrawn', async () => {
      const [row] = await world.query<{ payload: Record<string, unknown> }>('dispatch', `SELECT payload FROM outbox WHERE subject = $1 AND payload->>'caseId' = $2`, [
        'gov.evt.dispatch.notice.housing.withdrawn',
        c.id,
      ]);
      return row?.payload;
    });
    expect(notice).toMatchObject({ kind: 'withdrawn', action: 'reject', reason: 'a private contract dispute after all' });
    // Emergency, which handed it back, was not told again: it asked for it to go.
    expect(await world.query('dispatch', `SELECT 1 FROM outbox WHERE subject = 'gov.evt.dispatch.notice.emergency.withdrawn' AND payload->>'caseId' = $1`, [c.id])).toEqual([]);
  });

  it('rejects and merges from the dispatcher queue', async () => {
    const original = (await report()).case;
    const { case: duplicate } = await report({ categoryCode: 'environment', location: undefined, address: 'Somewhere unknown' });
    expect(duplicate.state).toBe('reported');
    const merged = await world.client.request(subjects.dispatch.case.merge, { caseId: duplicate.id, actor: operator, duplicateOf: original.id });
    expect(merged).toMatchObject({ state: 'merged', duplicateOf: original.id });
    const { case: outOfScope } = await report({ categoryCode: 'environment', location: undefined, address: 'Far away' });
    const rejected = await world.client.request(subjects.dispatch.case.reject, { caseId: outOfScope.id, actor: operator, reason: 'a private contract dispute' });
    expect(rejected.state).toBe('rejected');
    const again = await errorOf(world.client.request(subjects.dispatch.case.accept, { caseId: outOfScope.id, actor: operator }));
    expect(again?.code).toBe(ErrorCode.CONFLICT);
    // A routed case is rejected straight from its owner's queue, without being handed back first.
    expect(original.state).toBe('assigned');
    const routedRejected = await world.client.request(subjects.dispatch.case.reject, { caseId: original.id, actor: operator, reason: 'reported to the wrong city' });
    expect(routedRejected.state).toBe('rejected');
    const resolved = (await report()).case;
    await world.client.request(subjects.dispatch.case.claim, { caseId: resolved.id, actor: communityStaff });
    await world.client.request(subjects.dispatch.case.resolve, { caseId: resolved.id, actor: communityStaff, resolution: 'cleared' });
    expect((await errorOf(world.client.request(subjects.dispatch.case.reject, { caseId: resolved.id, actor: operator, reason: 'too late' })))?.code).toBe(ErrorCode.CONFLICT);
  });

  it('refuses a department pushing down an item not admitted there, until the admission list admits it', async () => {
    const push = () => report({ categoryCode: 'safety', channel: 'department', pushDownTo: 'community' }, emergency);
    const refused = await errorOf(push());
    expect(refused?.code).toBe(ErrorCode.NOT_ADMITTED);
    expect(refused?.message).toMatch(/item safety-patrol at the community level in T010101 on .* is not admitted: .*\(no admission list has been received from the admission service yet\)/);
    expect(refused?.details).toEqual([{ field: 'pushDownTo', messages: [refused!.message] }]);
    // The admission service admits the item for communities city-wide; dispatch learns it from admission's events.
    await world.start(admissionService, 'admission');
    const office = { id: 'office-1' };
    await waitFor('areas in admission', async () => {
      const [row] = await world.query<{ n: number }>('admission', `SELECT count(*)::int AS n FROM known_area WHERE code = 'T0'`);
      return row!.n === 1 || undefined;
    });
    await world.client.request(subjects.admission.item.define, {
      code: 'safety-patrol',
      name: 'Safety patrol',
      department: 'emergency',
      legalBasis: 'Work safety regulation',
      kind: 'grid',
      gridItemType: 'safety-patrol',
      levels: ['community', 'grid'],
      actor: office,
    });
    await world.client.request(subjects.admission.list.editDraft, { areaCode: 'T0', kind: 'admitted', level: 'community', put: [{ itemCode: 'safety-patrol' }], actor: office });
    await world.client.request(subjects.admission.list.publish, { areaCode: 'T0', kind: 'admitted', level: 'community', effectiveOn: today(), actor: office });
    const accepted = await waitFor('admitted push', () => push().catch(() => undefined));
    expect(accepted.case.owner).toEqual({ kind: 'level', level: 'community', areaCode: 'T010101' });
    expect(accepted.case.reportingDepartment).toBe('emergency');
    const toGrid = await errorOf(report({ categoryCode: 'safety', channel: 'department', pushDownTo: 'grid' }, emergency));
    expect(toGrid?.message).toMatch(/item safety-patrol at the grid level in T01010101 on .* is not admitted: no list in force for T01010101 or the areas above it holds it$/);
  });

  it("gives a grid-level case to the grid's worker, from the grid service's assignment events", async () => {
    await world.client.request(subjects.dispatch.category.define, {
      code: 'facilities',
      name: 'Public facilities',
      responsible: { kind: 'level', level: 'grid' },
      acceptHours: 1,
      completeHours: 24,
      hoursKind: 'calendar',
    });
    const head = await world.client.request(subjects.grid.worker.register, { name: 'Head Zhou', employment: 'full-time', hiredOn: '2026-01-01' });
    const partTime = await world.client.request(subjects.grid.worker.register, { name: 'Part-time Wu', employment: 'part-time', hiredOn: '2026-01-01' });
    const fullTime = await world.client.request(subjects.grid.worker.register, { name: 'Worker Sun', employment: 'full-time', hiredOn: '2026-01-01' });
    await world.client.request(subjects.grid.worker.assign, { workerId: head.id, gridCode: 'T01010102', role: 'head', startedOn: '2026-01-01' });
    await world.client.request(subjects.grid.worker.assign, { workerId: partTime.id, gridCode: 'T01010102', startedOn: '2026-01-01' });
    await world.client.request(subjects.grid.worker.assign, { workerId: fullTime.id, gridCode: 'T01010102', startedOn: '2026-02-01' });
    await waitFor('assignments in dispatch', async () => {
      const [row] = await world.query<{ n: number }>('dispatch', `SELECT count(*)::int AS n FROM known_grid_worker WHERE grid_code = 'T01010102'`);
      return row!.n === 3 || undefined;
    });
    const { case: c } = await report({ categoryCode: 'facilities', location: { longitude: 113.015, latitude: 23.01 } });
    expect(c.owner).toEqual({ kind: 'level', level: 'grid', areaCode: 'T01010102', workerId: fullTime.id });
    const wrongWorker = await errorOf(world.client.request(subjects.dispatch.case.claim, { caseId: c.id, actor: { kind: 'worker', id: partTime.id } }));
    expect(wrongWorker?.code).toBe(ErrorCode.FORBIDDEN);
    const claimed = await world.client.request(subjects.dispatch.case.claim, { caseId: c.id, actor: { kind: 'worker', id: fullTime.id } });
    expect(claimed.state).toBe('in-progress');

    // Escalated away to the community, the case is no grid worker's any more: not its former worker's, not a stranger's.
    const { case: d } = await report({ categoryCode: 'facilities', location: { longitude: 113.015, latitude: 23.01 } });
    await world.client.request(subjects.dispatch.case.assign, { caseId: d.id, actor: operator, to: { kind: 'level', level: 'community' } });
    for (const actor of [
      { kind: 'worker' as const, id: fullTime.id },
      { kind: 'worker' as const, id: 'not-a-registered-worker' },
      { kind: 'worker' as const, id: '01900000-0000-7000-8000-000000000000' },
    ]) {
      const refused = await errorOf(world.client.request(subjects.dispatch.case.claim, { caseId: d.id, actor }));
      expect(refused?.code).toBe(ErrorCode.FORBIDDEN);
      expect(refused?.message).toMatch(/is owned by the community level \(T010101\), not by a grid worker/);
    }
    // Nor may a worker do the dispatcher's part, or a reporter any.
    expect((await errorOf(world.client.request(subjects.dispatch.case.reject, { caseId: d.id, actor: { kind: 'worker', id: fullTime.id }, reason: 'not mine' })))?.message).toMatch(
      /a grid worker cannot reject cases/,
    );
    expect((await errorOf(world.client.request(subjects.dispatch.case.claim, { caseId: d.id, actor: { kind: 'reporter', id: 'resident' } })))?.code).toBe(ErrorCode.FORBIDDEN);
    expect((await world.client.request(subjects.dispatch.case.claim, { caseId: d.id, actor: communityStaff })).state).toBe('in-progress');

    // A grid-level case whose grid had no worker is the case of whoever serves the grid, and of nobody else.
    await world.client.request(subjects.dispatch.case.assign, { caseId: d.id, actor: operator, to: { kind: 'level', level: 'grid' } });
    await world.query('dispatch', `UPDATE "case" SET owner_worker_id = NULL WHERE id = $1`, [d.id]);
    const stranger = await errorOf(world.client.request(subjects.dispatch.case.claim, { caseId: d.id, actor: { kind: 'worker', id: 'not-a-registered-worker' } }));
    expect(stranger?.message).toMatch(/belongs to grid T01010102, which worker not-a-registered-worker does not serve/);
    expect((await world.client.request(subjects.dispatch.case.claim, { caseId: d.id, actor: { kind: 'worker', id: partTime.id } })).state).toBe('in-progress');
  });
});
