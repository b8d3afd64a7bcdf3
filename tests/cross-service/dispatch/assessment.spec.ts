import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { INestApplication } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import {
  ErrorCode,
  GridworkError,
  streamNameOf,
  subjects,
  type AssessmentFigures,
  type AssessmentRequest,
  type Case,
  type ReportCaseRequest,
} from '@gridwork/contracts';
import { GridworkClient } from '@gridwork/client';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { waitFor } from '@gridwork/testing';
import { dispatchService } from '@gridwork/dispatch-service/definition';
import { ownerActor, staffSmallCity, startGridWithSmallCity } from '../fixtures/small-city.js';

const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as GridworkError);
const operator = { kind: 'operator' as const, id: 'op-1', name: 'Dispatcher Li' };
/** Grid T01010101 (west) and T01010102 (east) of the small city; T010101 is their community, T0101 the township, T01 the district, T0 the city. */
const WEST = { longitude: 113.005, latitude: 23.01 };
const EAST = { longitude: 113.015, latitude: 23.01 };
const localDay = (at = new Date()) => new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/** Every counted measure at zero: expectations list only what is not. */
const ZERO: AssessmentFigures = {
  received: 0,
  acceptedOnTime: 0,
  acceptedLate: 0,
  completedOnTime: 0,
  completedLate: 0,
  overdue: 0,
  handedBack: 0,
  reopened: 0,
  callbacks: 0,
  satisfied: 0,
  basicallySatisfied: 0,
  unsatisfied: 0,
  closed: 0,
  closedFirstTime: 0,
  closeMinutesTotal: 0,
};

/**
 * Unified assessment end to end: real cases driven over NATS through
 * claims, resolutions, callbacks, hand-backs, reopens, late work and the
 * deadline timers' escalations; the rollups are checked measure by measure
 * per department and at every area level, then replayed to show nothing is
 * counted twice. The live board counts open cases by state, overdue and
 * flagged per child area.
 */
describe('dispatch assessment and live board', () => {
  let world: TestWorld;
  let dispatch: INestApplication;
  let emergency: GridworkClient;
  let housing: GridworkClient;
  let n = 0;
  const today = localDay();
  const month = today.slice(0, 7);
  const lastOfMonth = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);

  const report = async (overrides: Partial<ReportCaseRequest>): Promise<Case> =>
    (
      await world.client.request(subjects.dispatch.case.report, {
        idempotencyKey: `assess-${++n}`,
        channel: 'hotline-12345',
        categoryCode: 'environment',
        description: 'Something to see to',
        location: WEST,
        ...overrides,
      })
    ).case;
  /** A department system acts as itself; otherwise the case's grid worker, or the dispatcher for a case owned higher up. */
  const as = async (c: Case, client: GridworkClient | undefined) =>
    client ? {} : { actor: ownerActor(await world.client.request(subjects.dispatch.case.get, { idOrNumber: c.id }), operator) };
  const claim = async (c: Case, client?: GridworkClient) => (client ?? world.client).request(subjects.dispatch.case.claim, { caseId: c.id, ...(await as(c, client)) });
  const resolve = async (c: Case, client?: GridworkClient) =>
    (client ?? world.client).request(subjects.dispatch.case.resolve, { caseId: c.id, resolution: 'done', ...(await as(c, client)) });
  const callback = (c: Case, satisfaction: 'satisfied' | 'basically-satisfied' | 'unsatisfied') =>
    world.client.request(subjects.dispatch.case.callback, { caseId: c.id, actor: operator, satisfaction });
  const close = (c: Case) => world.client.request(subjects.dispatch.case.close, { caseId: c.id, actor: operator });
  /** Moves a case's report back in time, so its time to close is known. */
  const reportedHoursAgo = (c: Case, hours: number) => world.query('dispatch', `UPDATE "case" SET reported_at = reported_at - make_interval(hours => $2) WHERE id = $1`, [c.id, hours]);
  const pastDue = (c: Case, deadline: 'accept' | 'complete') =>
    world.query('dispatch', `UPDATE "case" SET ${deadline}_due_at = now() - interval '1 minute' WHERE id = $1`, [c.id]);
  const caseRow = async (c: Case) => (await world.query<{ owner_level: string | null; flag: string | null }>('dispatch', `SELECT owner_level, flag FROM "case" WHERE id = $1`, [c.id]))[0]!;

  /** Every event written has been published and applied by dispatch's own consumer. */
  const settled = () =>
    waitFor(
      'dispatch to apply its own events',
      async () => {
        const [{ unsent }] = await world.query<{ unsent: number }>('dispatch', `SELECT count(*)::int AS unsent FROM outbox WHERE sent_at IS NULL`);
        if (unsent > 0) return false;
        const info = await (await jetstreamManager(world.nc)).consumers.info(streamNameOf('dispatch'), 'dispatch');
        return info.num_pending === 0 && info.num_ack_pending === 0;
      },
      20_000,
    );
  /** This month's figures of a key (today's cases all land on today). */
  const figures = async (dimension: AssessmentRequest['dimension'], key: string, client = world.client): Promise<AssessmentFigures> => {
    const { period, from, to, ...rest } = (await client.request(subjects.dispatch.stats.assessment, { dimension, key, from: month, to: month })).total;
    expect([period, from, to]).toEqual([`${month}-01..${lastOfMonth}`, `${month}-01`, lastOfMonth]);
    return rest;
  };
  const rollups = () =>
    world.query('dispatch', `SELECT dimension, key, day::text, ${'received, accepted_on_time, accepted_late, completed_on_time, completed_late, overdue, handed_back, reopened, satisfied, basically_satisfied, unsatisfied, closed, closed_first_time, close_minutes_total::int'} FROM case_stat_daily ORDER BY 1, 2, 3`);

  beforeAll(async () => {
    world = await testWorld(['grid', 'dispatch']);
    dispatch = await world.start(dispatchService, 'dispatch');
    await startGridWithSmallCity(world);
    await staffSmallCity(world);
    emergency = new GridworkClient(world.nc, { department: 'emergency', timeoutMs: 5_000 });
    housing = new GridworkClient(world.nc, { department: 'housing', timeoutMs: 5_000 });
    const define = (code: string, name: string, responsible: object) =>
      world.client.request(subjects.dispatch.category.define, { code, name, responsible, acceptHours: 1, completeHours: 8, hoursKind: 'calendar' } as never);
    await define('environment', 'Environment', { kind: 'level', level: 'grid' });
    await define('safety', 'Safety hazard', { kind: 'department', department: 'emergency' });
  });
  afterAll(() => world?.dispose());

  it('counts every measure exactly, per department and at every area level', async () => {
    // A: a grid's case done on time, satisfied, closed five hours after it was reported.
    const a = await report({ location: WEST });
    await claim(a);
    await resolve(a);
    await callback(a, 'satisfied');
    await reportedHoursAgo(a, 5);
    await close(a);

    // B: emergency's case, reopened once (unsatisfied), then basically satisfied; two hours to close.
    const b = await report({ categoryCode: 'safety', location: EAST });
    expect(b.owner).toEqual({ kind: 'department', department: 'emergency' });
    await claim(b, emergency);
    await resolve(b, emergency);
    expect((await callback(b, 'unsatisfied')).state).toBe('reopened');
    await claim(b, emergency);
    await resolve(b, emergency);
    await callback(b, 'basically-satisfied');
    await reportedHoursAgo(b, 2);
    await close(b);

    // C: emergency claims, hands it back; the dispatcher gives it to housing, which claims it (left open).
    const c = await report({ categoryCode: 'safety', location: WEST });
    await claim(c, emergency);
    await emergency.request(subjects.dispatch.case.handBack, { caseId: c.id, reason: 'a road matter' });
    await world.client.request(subjects.dispatch.case.assign, { caseId: c.id, actor: operator, to: { kind: 'department', department: 'housing' } });
    await claim(c, housing);

    // D: sent to the district (the top level, where a missed deadline does not move the case); claimed late and resolved late.
    const d = await report({ location: WEST });
    await world.client.request(subjects.dispatch.case.assign, { caseId: d.id, actor: operator, to: { kind: 'level', level: 'district' } });
    await pastDue(d, 'accept');
    await claim(d);
    await pastDue(d, 'complete');
    await resolve(d);
    await callback(d, 'satisfied');
    await reportedHoursAgo(d, 1);
    await close(d);

    // E: a grid's case whose claim deadline passes: the timer sends it up to the community, yellow (left open).
    const e = await report({ location: WEST });
    await pastDue(e, 'accept');
    await waitFor('E escalated', async () => (await caseRow(e)).owner_level === 'community');

    // F: at the district, its claim deadline passes: flagged where it is, and stays overdue (left open).
    const f = await report({ location: EAST });
    await world.client.request(subjects.dispatch.case.assign, { caseId: f.id, actor: operator, to: { kind: 'level', level: 'district' } });
    await pastDue(f, 'accept');
    await waitFor('F flagged', async () => (await caseRow(f)).flag === 'yellow');

    // G: emergency misses its claim deadline: the case goes to the district; the miss is emergency's (left open).
    const g = await report({ categoryCode: 'safety', location: EAST });
    await pastDue(g, 'accept');
    await waitFor('G escalated', async () => (await caseRow(g)).owner_level === 'district');

    await settled();

    expect(await figures('department', 'emergency')).toEqual({
      ...ZERO,
      received: 3, // B, C, G routed to it at intake
      acceptedOnTime: 3, // B twice, C once
      completedOnTime: 2, // B twice
      overdue: 1, // G
      handedBack: 1, // C
      reopened: 1, // B
      callbacks: 2,
      unsatisfied: 1,
      basicallySatisfied: 1,
      closed: 1,
      closeMinutesTotal: 120,
      acceptOnTimeRate: 1,
      completeOnTimeRate: 1,
      satisfactionRate: 0.5,
      firstTimeRate: 0,
      averageHoursToClose: 2,
    });
    expect(await figures('department', 'housing')).toEqual({ ...ZERO, received: 1, acceptedOnTime: 1, acceptOnTimeRate: 1 });

    const west = {
      ...ZERO,
      received: 4, // A, C, D, E
      acceptedOnTime: 3, // A, C twice
      acceptedLate: 1, // D
      completedOnTime: 1, // A
      completedLate: 1, // D
      overdue: 2, // D (late claim, then late resolution: one assignment, counted once), E
      handedBack: 1, // C
      callbacks: 2,
      satisfied: 2, // A, D
      closed: 2,
      closedFirstTime: 2,
      closeMinutesTotal: 360,
      acceptOnTimeRate: 0.75,
      completeOnTimeRate: 0.5,
      satisfactionRate: 1,
      firstTimeRate: 1,
      averageHoursToClose: 3,
    };
    const east = {
      ...ZERO,
      received: 3, // B, F, G
      acceptedOnTime: 2,
      completedOnTime: 2,
      overdue: 2, // F, G
      reopened: 1,
      callbacks: 2,
      unsatisfied: 1,
      basicallySatisfied: 1,
      closed: 1,
      closeMinutesTotal: 120,
      acceptOnTimeRate: 1,
      completeOnTimeRate: 1,
      satisfactionRate: 0.5,
      firstTimeRate: 0,
      averageHoursToClose: 2,
    };
    expect(await figures('grid', 'T01010101')).toEqual(west);
    expect(await figures('grid', 'T01010102')).toEqual(east);
    const both = {
      ...ZERO,
      received: 7,
      acceptedOnTime: 5,
      acceptedLate: 1,
      completedOnTime: 3,
      completedLate: 1,
      overdue: 4,
      handedBack: 1,
      reopened: 1,
      callbacks: 4,
      satisfied: 2,
      basicallySatisfied: 1,
      unsatisfied: 1,
      closed: 3,
      closedFirstTime: 2,
      closeMinutesTotal: 480,
      acceptOnTimeRate: 0.8333,
      completeOnTimeRate: 0.75,
      satisfactionRate: 0.75,
      firstTimeRate: 0.6667,
      averageHoursToClose: 2.67,
    };
    for (const [dimension, key] of [
      ['community', 'T010101'],
      ['township', 'T0101'],
      ['district', 'T01'],
      ['city', 'T0'],
    ] as const) {
      expect(await figures(dimension, key)).toEqual(both);
    }
    // The one rollup row per key and day: a district-month reads at most 31 rows.
    const rows = await world.query<{ n: number }>('dispatch', `SELECT count(*)::int AS n FROM case_stat_daily WHERE dimension = 'district' AND key = 'T01'`);
    expect(rows[0]!.n).toBe(1);
  });

  it('breaks a period down by day and month, zeros included', async () => {
    const byDay = await world.client.request(subjects.dispatch.stats.assessment, { dimension: 'district', key: 'T01', from: month, to: month, groupBy: 'day' });
    const [y, m] = month.split('-').map(Number) as [number, number];
    expect(byDay.rows).toHaveLength(new Date(Date.UTC(y, m, 0)).getUTCDate());
    expect(byDay.rows.filter((r) => r.received > 0).map((r) => [r.period, r.received])).toEqual([[today, 7]]);
    expect(byDay.total.received).toBe(7);
    const previous = new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 7);
    const byMonth = await world.client.request(subjects.dispatch.stats.assessment, { dimension: 'district', key: 'T01', from: previous, to: today, groupBy: 'month' });
    expect(byMonth.rows.map((r) => [r.period, r.received])).toEqual([
      [previous, 0],
      [month, 7],
    ]);
    expect(byMonth.rows[1]).toMatchObject({ from: `${month}-01`, to: today });
    expect(byMonth.rows[0]!.satisfactionRate).toBeUndefined();
    const elsewhere = await world.client.request(subjects.dispatch.stats.assessment, { dimension: 'grid', key: 'NOWHERE', from: today, to: today });
    expect(elsewhere.total).toEqual({ ...ZERO, period: `${today}..${today}`, from: today, to: today });
  });

  it('ranks the areas of a level, or the departments, by a measure', async () => {
    const byReceived = await world.client.request(subjects.dispatch.stats.ranking, { dimension: 'grid', from: month, to: month, measure: 'received', within: 'T0101' });
    expect(byReceived.items.map((i) => [i.rank, i.key, i.name, i.value])).toEqual([
      [1, 'T01010101', 'Grid West', 4],
      [2, 'T01010102', 'Grid East', 3],
    ]);
    const bySatisfaction = await world.client.request(subjects.dispatch.stats.ranking, { dimension: 'grid', from: month, to: month, measure: 'satisfactionRate', order: 'asc' });
    expect(bySatisfaction.items.map((i) => [i.key, i.value])).toEqual([
      ['T01010102', 0.5],
      ['T01010101', 1],
    ]);
    // Housing has had no callbacks: nothing to rate, so it is left out.
    const departments = await world.client.request(subjects.dispatch.stats.ranking, { dimension: 'department', from: month, to: month, measure: 'satisfactionRate' });
    expect(departments.items.map((i) => i.key)).toEqual(['emergency']);
    const top = await world.client.request(subjects.dispatch.stats.ranking, { dimension: 'department', from: month, to: month, measure: 'received', limit: 1 });
    expect(top.items.map((i) => [i.key, i.value, i.figures.handedBack])).toEqual([['emergency', 3, 1]]);
    const unknown = await errorOf(world.client.request(subjects.dispatch.stats.ranking, { dimension: 'grid', from: month, to: month, measure: 'received', within: 'NOPE' }));
    expect(unknown?.code).toBe(ErrorCode.NOT_FOUND);
  });

  it('lets a department read its own figures and nobody else’s', async () => {
    expect((await figures('department', 'housing', housing)).received).toBe(1);
    const other = await errorOf(figures('department', 'emergency', housing));
    expect(other?.code).toBe(ErrorCode.FORBIDDEN);
    const area = await errorOf(figures('district', 'T01', housing));
    expect(area?.code).toBe(ErrorCode.FORBIDDEN);
    // Rankings and the board compare everyone: not for department systems.
    const ranking = await errorOf(housing.request(subjects.dispatch.stats.ranking, { dimension: 'department', from: month, to: month, measure: 'received' }));
    expect(ranking?.code).toBe(ErrorCode.FORBIDDEN);
    const board = await errorOf(housing.request(subjects.dispatch.board.live, {}));
    expect(board?.code).toBe(ErrorCode.FORBIDDEN);
  });

  it('names every bad field', async () => {
    const bad = await errorOf(
      world.client.request(subjects.dispatch.stats.assessment, { dimension: 'planet', key: '', from: '2026-13', to: 'yesterday', groupBy: 'week' } as never),
    );
    expect(bad?.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(bad?.details?.map((x) => x.field).sort()).toEqual(['dimension', 'from', 'groupBy', 'key', 'to']);
    const impossible = await errorOf(world.client.request(subjects.dispatch.stats.assessment, { dimension: 'grid', key: 'T01010101', from: '2026-02-30', to: '2026-01' }));
    expect(impossible?.details?.map((x) => x.field)).toEqual(['from']);
    const backwards = await errorOf(world.client.request(subjects.dispatch.stats.assessment, { dimension: 'grid', key: 'T01010101', from: '2026-03', to: '2026-02-28' }));
    expect(backwards?.details).toEqual([{ field: 'to', messages: ['to (2026-02-28) must not be before from (2026-03)'] }]);
    const tooManyDays = await errorOf(world.client.request(subjects.dispatch.stats.assessment, { dimension: 'grid', key: 'T01010101', from: '2025-01', to: '2026-06', groupBy: 'day' }));
    expect(tooManyDays?.details?.map((x) => x.field)).toEqual(['groupBy']);
    const notDepartment = await errorOf(world.client.request(subjects.dispatch.stats.assessment, { dimension: 'department', key: 'Emergency', from: month, to: month }));
    expect(notDepartment?.details?.map((x) => x.field)).toEqual(['key']);
    const rankingWithin = await errorOf(world.client.request(subjects.dispatch.stats.ranking, { dimension: 'department', from: month, to: month, measure: 'received', within: 'T01' }));
    expect(rankingWithin?.details?.map((x) => x.field)).toEqual(['within']);
    const badRanking = await errorOf(world.client.request(subjects.dispatch.stats.ranking, { dimension: 'grid', from: month, to: month, measure: 'fame', limit: 1000 } as never));
    expect(badRanking?.details?.map((x) => x.field).sort()).toEqual(['limit', 'measure']);
    const badBoard = await errorOf(world.client.request(subjects.dispatch.board.live, { areaCode: 'not an area!' }));
    expect(badBoard?.details?.map((x) => x.field)).toEqual(['areaCode']);
    const unknownBoard = await errorOf(world.client.request(subjects.dispatch.board.live, { areaCode: 'NOPE' }));
    expect(unknownBoard?.code).toBe(ErrorCode.NOT_FOUND);
  });

  it('shows open cases by state, and overdue and flagged ones per child area, on the live board', async () => {
    // Open: C (in progress, housing, west), E (assigned to the community, yellow, west),
    // F (assigned to the district, past its claim deadline, yellow, east), G (assigned to the district, yellow, east).
    const states = (board: { byState: { state: string; count: number }[] }) => Object.fromEntries(board.byState.filter((s) => s.count > 0).map((s) => [s.state, s.count]));
    const city = await world.client.request(subjects.dispatch.board.live, {});
    expect(city.area).toMatchObject({ open: 4, acceptOverdue: 1, completeOverdue: 0, overdue: 1, yellow: 3, red: 0 });
    expect(city.area.code).toBeUndefined();
    expect(states(city.area)).toEqual({ assigned: 3, 'in-progress': 1 });
    expect(city.area.byState.map((s) => s.state)).toEqual(['reported', 'accepted', 'assigned', 'in-progress', 'resolved', 'verified', 'handed-back', 'reopened']);
    expect(city.unlocated).toBe(0);
    expect(city.children.map((x) => [x.code, x.name, x.open, x.overdue])).toEqual([['T01', 'District One', 4, 1]]);

    const community = await world.client.request(subjects.dispatch.board.live, { areaCode: 'T010101' });
    expect(community.area).toMatchObject({ code: 'T010101', name: 'Community One', level: 'community', open: 4 });
    expect(community.unlocated).toBeUndefined();
    const [westBoard, eastBoard] = community.children;
    expect(westBoard).toMatchObject({ code: 'T01010101', level: 'grid', open: 2, acceptOverdue: 0, overdue: 0, yellow: 1, red: 0 });
    expect(states(westBoard!)).toEqual({ assigned: 1, 'in-progress': 1 });
    expect(eastBoard).toMatchObject({ code: 'T01010102', level: 'grid', open: 2, acceptOverdue: 1, completeOverdue: 0, overdue: 1, yellow: 2 });

    // F misses its completion deadline too: red this time, and past both deadlines on the board; still one overdue assignment.
    const f = (await world.query<{ id: string }>('dispatch', `SELECT id FROM "case" WHERE state = 'assigned' AND flag = 'yellow' AND accept_due_at < now()`))[0]!;
    await world.query('dispatch', `UPDATE "case" SET complete_due_at = now() - interval '1 second' WHERE id = $1`, [f.id]);
    await waitFor('F flagged red', async () => (await caseRow({ id: f.id } as Case)).flag === 'red');
    const east = await world.client.request(subjects.dispatch.board.live, { areaCode: 'T01010102' });
    expect(east.children).toEqual([]);
    expect(east.area).toMatchObject({ code: 'T01010102', open: 2, acceptOverdue: 1, completeOverdue: 1, overdue: 1, yellow: 1, red: 1 });
    await settled();
    expect((await figures('grid', 'T01010102')).overdue).toBe(2);
  });

  it('counts nothing twice when every event is delivered again', async () => {
    await settled();
    const before = await rollups();
    // One row per key for today: two departments, two grids, and the community, township, district and city.
    expect(before).toHaveLength(8);
    // Forget where dispatch's consumer of its own stream had got to: everything is delivered again.
    await world.stop(dispatch);
    const jsm = await jetstreamManager(world.nc);
    const stream = await jsm.streams.info(streamNameOf('dispatch'));
    await jsm.consumers.delete(streamNameOf('dispatch'), 'dispatch');
    dispatch = await world.start(dispatchService, 'dispatch');
    await settled();
    const info = await jsm.consumers.info(streamNameOf('dispatch'), 'dispatch');
    expect(info.delivered.stream_seq).toBeGreaterThanOrEqual(stream.state.last_seq);
    expect(await rollups()).toEqual(before);
  });
});
