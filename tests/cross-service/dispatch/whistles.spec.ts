import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, GridworkError, subjects, type Case, type ReportCaseRequest } from '@gridwork/contracts';
import { GridworkClient, decodeJson } from '@gridwork/client';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { createInbox } from '@nats-io/nats-core';
import { waitFor } from '@gridwork/testing';
import { dispatchService } from '@gridwork/dispatch-service/definition';
import { staffSmallCity, startGridWithSmallCity } from '../fixtures/small-city.js';

const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as GridworkError);
const operator = { kind: 'operator' as const, id: 'op-1', name: 'Dispatcher Li' };
/** Inside grid T01010101 (west) of the small city; T010101 is its community, T0101 its township. */
const WEST = { longitude: 113.005, latitude: 23.01 };

// The report-in deadline poller runs in this process; poll fast so misses show quickly.
process.env.DISPATCH_WHISTLE_POLL_MS = '100';

/**
 * Whistle and report-in (吹哨报到): a grid or community blows the whistle on a
 * case it cannot solve alone; the departments it names report in over their
 * own subjects; the poller marks those that do not, once, however many
 * replicas run.
 */
describe('whistle and report-in', () => {
  let world: TestWorld;
  /** The west grid's worker, whom its grid-level cases go to. */
  let gridWorker: { kind: 'worker'; id: string; name: string };
  let housing: GridworkClient;
  let water: GridworkClient;
  let emergency: GridworkClient;
  let n = 0;
  const report = async (overrides: Partial<ReportCaseRequest> = {}): Promise<Case> =>
    (
      await world.client.request(subjects.dispatch.case.report, {
        idempotencyKey: `whistle-${++n}`,
        channel: 'patrol',
        categoryCode: 'environment.garbage',
        description: 'Sewage overflowing into the lane',
        location: WEST,
        ...overrides,
      })
    ).case;
  const blow = (caseId: string, departments: string[], extra: object = {}) =>
    world.client.request(subjects.dispatch.case.blowWhistle, { caseId, actor: gridWorker, departments, reason: 'pipes under the road: not ours to dig', ...extra });
  const timelineOf = async (id: string) => (await world.client.request(subjects.dispatch.case.get, { idOrNumber: id })).timeline;
  const outbox = (caseId: string) =>
    world.query<{ subject: string; payload: Record<string, unknown> }>(
      'dispatch',
      `SELECT subject, payload FROM outbox WHERE payload->>'caseId' = $1 OR payload->'whistle'->>'caseId' = $1 ORDER BY seq`,
      [caseId],
    );

  beforeAll(async () => {
    world = await testWorld(['grid', 'dispatch']);
    await world.start(dispatchService, 'dispatch');
    housing = new GridworkClient(world.nc, { department: 'housing', timeoutMs: 5_000 });
    water = new GridworkClient(world.nc, { department: 'water', timeoutMs: 5_000 });
    emergency = new GridworkClient(world.nc, { department: 'emergency', timeoutMs: 5_000 });
    for (const [code, responsible] of [
      ['environment', { kind: 'level', level: 'grid' }],
      ['environment.garbage', { kind: 'level', level: 'grid' }],
      ['safety', { kind: 'department', department: 'emergency' }],
    ] as const) {
      await world.client.request(subjects.dispatch.category.define, { code, name: code, responsible, acceptHours: 1, completeHours: 24, hoursKind: 'calendar' });
    }
    await startGridWithSmallCity(world);
    gridWorker = (await staffSmallCity(world)).T01010101;
  });
  afterAll(() => world?.dispose());

  it('is blown only by the grid or community owning an open case', async () => {
    const departmental = await report({ categoryCode: 'safety' });
    expect(departmental.owner).toEqual({ kind: 'department', department: 'emergency' });
    const ownedByDepartment = await errorOf(blow(departmental.id, ['housing']));
    expect(ownedByDepartment?.code).toBe(ErrorCode.CONFLICT);
    expect(ownedByDepartment?.message).toMatch(/owned by the department emergency: only a grid or community/);

    const unrouted = await report({ location: undefined, address: 'somewhere unmapped' });
    expect(unrouted.state).toBe('reported');
    expect((await errorOf(blow(unrouted.id, ['housing'])))?.code).toBe(ErrorCode.CONFLICT);

    const township = await report();
    await world.client.request(subjects.dispatch.case.assign, { caseId: township.id, actor: operator, to: { kind: 'level', level: 'township' } });
    expect((await errorOf(blow(township.id, ['housing'])))?.message).toMatch(/owned by the township level/);

    const community = await report();
    await world.client.request(subjects.dispatch.case.assign, { caseId: community.id, actor: operator, to: { kind: 'level', level: 'community' } });
    const fromCommunity = await blow(community.id, ['housing'], { actor: operator });
    expect(fromCommunity).toMatchObject({ level: 'community', areaCode: 'T010101', blownBy: operator });

    const handedBack = await report();
    await world.client.request(subjects.dispatch.case.handBack, { caseId: handedBack.id, actor: gridWorker, reason: 'not a grid matter' });
    expect((await errorOf(blow(handedBack.id, ['housing'])))?.code).toBe(ErrorCode.CONFLICT);

    const bad = await errorOf(
      world.client.request(subjects.dispatch.case.blowWhistle, {
        caseId: township.id,
        actor: gridWorker,
        departments: ['housing', 'housing', 'Not A Code'],
        reason: '',
        reportInHours: 0,
        hoursKind: 'lunar' as never,
      }),
    );
    expect(bad?.details?.map((d) => d.field).sort()).toEqual(['departments', 'hoursKind', 'reason', 'reportInHours']);
    const none = await errorOf(blow(township.id, []));
    expect(none?.details?.map((d) => d.field)).toEqual(['departments']);
    const tooMany = await errorOf(blow(township.id, Array.from({ length: 21 }, (_, i) => `dept-${i}`)));
    expect(tooMany?.details?.map((d) => d.field)).toEqual(['departments']);
    const missing = await errorOf(blow('0190f0f0-0000-7000-8000-000000000000', ['housing']));
    expect(missing?.code).toBe(ErrorCode.NOT_FOUND);
    // A department system cannot blow a whistle: the endpoint is not open to departments.
    expect((await errorOf(housing.request(subjects.dispatch.case.blowWhistle, { caseId: township.id, actor: gridWorker, departments: ['water'], reason: 'x' })))?.code).toBe(
      ErrorCode.FORBIDDEN,
    );
  });

  it('calls departments with a deadline, records it in the timeline and events, and lets them read the case', async () => {
    const c = await report();
    expect(c.owner).toMatchObject({ kind: 'level', level: 'grid', areaCode: 'T01010101' });
    const whistle = await blow(c.id, ['water', 'housing'], { reportInHours: 3 });
    expect(whistle).toMatchObject({ caseId: c.id, caseNumber: c.number, level: 'grid', areaCode: 'T01010101', blownBy: gridWorker });
    expect(whistle.calls.map((call) => [call.department, call.state])).toEqual([
      ['housing', 'waiting'],
      ['water', 'waiting'],
    ]);
    expect(Date.parse(whistle.calls[0]!.dueAt) - Date.parse(whistle.blownAt)).toBe(3 * 3600_000);

    const line = (await timelineOf(c.id)).at(-1)!;
    expect(line).toMatchObject({ action: 'whistle', actorKind: 'worker', actorId: gridWorker.id, reason: 'pipes under the road: not ours to dig' });
    expect(line.data).toEqual({ whistleId: whistle.id, departments: ['housing', 'water'], reportInDueAt: whistle.calls[0]!.dueAt });
    const events = (await outbox(c.id)).map((e) => e.subject);
    expect(events).toContain('gov.evt.dispatch.whistle.blown');
    expect(events).toContain('gov.evt.dispatch.notice.housing.whistled');
    expect(events).toContain('gov.evt.dispatch.notice.water.whistled');

    // Called departments may now read the case and its whistles; a stranger still may not.
    expect((await housing.request(subjects.dispatch.case.get, { idOrNumber: c.number })).id).toBe(c.id);
    expect((await water.request(subjects.dispatch.whistle.list, { caseId: c.id })).items.map((w) => w.id)).toEqual([whistle.id]);
    expect((await errorOf(emergency.request(subjects.dispatch.case.get, { idOrNumber: c.number })))?.code).toBe(ErrorCode.FORBIDDEN);
    expect((await errorOf(emergency.request(subjects.dispatch.whistle.list, { caseId: c.id })))?.code).toBe(ErrorCode.FORBIDDEN);

    // Working hours count in the working calendar, like category time limits.
    const working = await blow(c.id, ['water'], { reportInHours: 2, hoursKind: 'working' });
    const preview = await world.client.request(subjects.dispatch.calendar.previewDeadline, { from: working.blownAt, hours: 2, hoursKind: 'working' });
    expect(working.calls[0]!.dueAt).toBe(preview.dueAt);
  });

  it('records a report-in from a called department over its own subject, once', async () => {
    const c = await report();
    const whistle = await blow(c.id, ['housing', 'water']);

    const stranger = await errorOf(emergency.request(subjects.dispatch.case.reportIn, { caseId: c.id, note: 'here too' }));
    expect(stranger?.code).toBe(ErrorCode.FORBIDDEN);
    const strangerByWhistle = await errorOf(emergency.request(subjects.dispatch.case.reportIn, { whistleId: whistle.id, note: 'here too' }));
    expect(strangerByWhistle?.code).toBe(ErrorCode.FORBIDDEN);
    // The platform cannot report in for a department: the department is known only from its subject.
    expect((await errorOf(world.client.request(subjects.dispatch.case.reportIn, { caseId: c.id, note: 'on behalf' })))?.code).toBe(ErrorCode.FORBIDDEN);
    expect((await errorOf(housing.request(subjects.dispatch.case.reportIn, { note: 'which one?' })))?.details?.[0]?.field).toBe('whistleId');

    const answered = await housing.request(subjects.dispatch.case.reportIn, { caseId: c.id, note: 'Engineer Sun on site with a digger' });
    const call = answered.calls.find((x) => x.department === 'housing')!;
    expect(call).toMatchObject({ state: 'reported-in', reportedInNote: 'Engineer Sun on site with a digger' });
    expect(answered.calls.find((x) => x.department === 'water')!.state).toBe('waiting');
    const again = await errorOf(housing.request(subjects.dispatch.case.reportIn, { whistleId: whistle.id, note: 'again' }));
    expect(again?.code).toBe(ErrorCode.CONFLICT);

    // The raw subject a department system publishes on: the department comes from it, not from the body.
    // (answered only on the department's own inbox, as a department system's connection has it)
    const raw = await world.nc.request(`gov.ext.water.dispatch.case.report-in`, JSON.stringify({ whistleId: whistle.id, note: 'valve team coming' }), {
      timeout: 5_000,
      noMux: true,
      reply: createInbox('_INBOX_water'),
    });
    expect(decodeJson(raw.data)).toMatchObject({ ok: true, data: { id: whistle.id } });
    const forged = await world.nc.request(`gov.ext.emergency.dispatch.case.report-in`, JSON.stringify({ whistleId: whistle.id, note: 'I am water', department: 'water' }), {
      timeout: 5_000,
      noMux: true,
      reply: createInbox('_INBOX_emergency'),
    });
    expect(decodeJson(forged.data)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });

    const timeline = await timelineOf(c.id);
    expect(timeline.filter((t) => t.action === 'report-in').map((t) => [t.actorKind, t.actorId, t.reason])).toEqual([
      ['department', 'housing', 'Engineer Sun on site with a digger'],
      ['department', 'water', 'valve team coming'],
    ]);
    const reportedIn = (await outbox(c.id)).filter((e) => e.subject === 'gov.evt.dispatch.whistle.reported-in');
    expect(reportedIn.map((e) => [e.payload.department, e.payload.late])).toEqual([
      ['housing', false],
      ['water', false],
    ]);
  });

  it('marks a call missed once when its deadline passes, with two replicas polling, and still takes a late report-in', async () => {
    const second = await world.start(dispatchService, 'dispatch');
    try {
      const cases = await Promise.all([report(), report(), report()]);
      const whistles = await Promise.all(cases.map((c) => blow(c.id, ['housing', 'water', 'emergency'])));
      await housing.request(subjects.dispatch.case.reportIn, { whistleId: whistles[0]!.id, note: 'on time' });
      // The deadlines of the calls still waiting pass.
      await world.query('dispatch', `UPDATE whistle_call SET due_at = now() - interval '1 minute' WHERE whistle_id = ANY ($1::uuid[]) AND reported_in_at IS NULL`, [
        whistles.map((w) => w.id),
      ]);
      await waitFor('every waiting call marked missed', async () => {
        const [row] = await world.query<{ n: number }>(
          'dispatch',
          `SELECT count(*)::int AS n FROM whistle_call WHERE whistle_id = ANY ($1::uuid[]) AND missed_at IS NOT NULL`,
          [whistles.map((w) => w.id)],
        );
        return row!.n === 8 || undefined;
      });
      // Several more polls by both replicas change nothing.
      await new Promise((r) => setTimeout(r, 500));
      const list = await world.client.request(subjects.dispatch.whistle.list, { caseId: cases[0]!.id });
      expect(list.items[0]!.calls.map((call) => [call.department, call.state])).toEqual([
        ['emergency', 'missed'],
        ['housing', 'reported-in'],
        ['water', 'missed'],
      ]);
      for (const c of cases) {
        const missedLines = (await timelineOf(c.id)).filter((t) => t.action === 'whistle-missed');
        expect(missedLines.map((t) => t.data?.department).sort()).toEqual(c === cases[0] ? ['emergency', 'water'] : ['emergency', 'housing', 'water']);
        expect(missedLines.every((t) => t.actorKind === 'system')).toBe(true);
        const missedEvents = (await outbox(c.id)).filter((e) => e.subject === 'gov.evt.dispatch.whistle.missed');
        expect(missedEvents).toHaveLength(missedLines.length);
      }

      // A late report-in is recorded as late; the miss stays on record.
      const late = await water.request(subjects.dispatch.case.reportIn, { caseId: cases[1]!.id, note: 'sorry, we are here now' });
      const waterCall = late.calls.find((x) => x.department === 'water')!;
      expect(waterCall.state).toBe('reported-in-late');
      expect(waterCall.missedAt).toBeDefined();
      const lateEvent = (await outbox(cases[1]!.id)).find((e) => e.subject === 'gov.evt.dispatch.whistle.reported-in');
      expect(lateEvent?.payload).toMatchObject({ department: 'water', late: true });
    } finally {
      await world.stop(second);
    }
  });
});
