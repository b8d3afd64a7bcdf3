import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { DataSource, type EntityManager } from 'typeorm';
import {
  DEPARTMENT_NOTICES,
  ErrorCode,
  GridworkError,
  addressedFilterOf,
  addressedSubjectOf,
  subjects,
  type Case,
  type DepartmentNotice,
  type ReportCaseRequest,
} from '@gridwork/contracts';
import { GridworkClient, type EventMeta, type RunningConsumer } from '@gridwork/client';
import { publishInTransaction, publishManyInTransaction } from '@gridwork/messaging';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { waitFor } from '@gridwork/testing';
import { dispatchService } from '@gridwork/dispatch-service/definition';
import { startGridWithSmallCity } from '../fixtures/small-city.js';

const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error);
const operator = { kind: 'operator' as const, id: 'op-1', name: 'Dispatcher Li' };
/** Inside grid T01010101 (west) of the small city. */
const WEST = { longitude: 113.005, latitude: 23.01 };

/**
 * Durable department notices: each department system consumes its own
 * notices (`gov.evt.dispatch.notice.<department>.<kind>`) with a durable
 * consumer that resumes where it stopped, and never sees another's.
 */
describe('department notices', () => {
  let world: TestWorld;
  let housing: GridworkClient;
  let water: GridworkClient;
  let dispatchHttp: string;
  let n = 0;
  const report = async (overrides: Partial<ReportCaseRequest> = {}): Promise<Case> =>
    (
      await world.client.request(subjects.dispatch.case.report, {
        idempotencyKey: `notice-${++n}`,
        channel: 'hotline-12345',
        categoryCode: 'roads',
        description: 'Pothole by the school gate',
        location: WEST,
        ...overrides,
      })
    ).case;
  const noticesInOutbox = (subject: string) =>
    world.query<{ subject: string; sent: boolean; payload: DepartmentNotice }>(
      'dispatch',
      `SELECT subject, sent_at IS NOT NULL AS sent, payload FROM outbox WHERE subject = $1 ORDER BY seq`,
      [subject],
    );

  beforeAll(async () => {
    world = await testWorld(['grid', 'dispatch']);
    // The platform makes each department's notice consumer; a department client binds to its own.
    dispatchHttp = (await (await world.start(dispatchService, 'dispatch', { DEPARTMENTS: 'housing,water,greening' })).getUrl()).replace('[::1]', '127.0.0.1');
    housing = new GridworkClient(world.nc, { department: 'housing', timeoutMs: 5_000 });
    water = new GridworkClient(world.nc, { department: 'water', timeoutMs: 5_000 });
    for (const [code, responsible] of [
      ['roads', { kind: 'department', department: 'housing' }],
      ['pipes', { kind: 'department', department: 'water' }],
      ['trees', { kind: 'department', department: 'greening' }],
      ['environment', { kind: 'level', level: 'grid' }],
    ] as const) {
      await world.client.request(subjects.dispatch.category.define, { code, name: code, responsible, acceptHours: 2, completeHours: 24, hoursKind: 'calendar' });
    }
    await startGridWithSmallCity(world);
  });
  afterAll(() => world?.dispose());

  it("delivers a department its own assignment notices, also those published while it was away, and never another department's", async () => {
    const seen: Array<{ notice: DepartmentNotice; meta: EventMeta }> = [];
    const consume = () =>
      housing.consume(subjects.dispatch.notice.assigned, { durable: 'housing' }, async (notice, meta) => {
        seen.push({ notice, meta });
      });

    let consumer: RunningConsumer = await consume();
    const first = await report();
    await report({ categoryCode: 'pipes' }); // water's
    await waitFor('the first notice', () => seen.length === 1);
    await consumer.stop();

    // While the department system is away: a new case, and water's case reassigned to housing.
    const second = await report();
    const reassigned = await report({ categoryCode: 'pipes' });
    await world.client.request(subjects.dispatch.case.assign, { caseId: reassigned.id, actor: operator, to: { kind: 'department', department: 'housing' } });
    await waitFor('three housing notices published', async () => {
      const rows = await noticesInOutbox('gov.evt.dispatch.notice.housing.assigned');
      return (rows.length === 3 && rows.every((r) => r.sent)) || undefined;
    });

    consumer = await consume();
    await waitFor('the notices published while away', () => seen.length === 3);
    await new Promise((r) => setTimeout(r, 300));
    await consumer.stop();

    expect(seen.map((s) => s.notice.caseId)).toEqual([first.id, second.id, reassigned.id]);
    expect(seen.every((s) => s.notice.department === 'housing' && s.notice.kind === 'assigned')).toBe(true);
    expect(seen.every((s) => s.meta.subject === 'gov.evt.dispatch.notice.housing.assigned' && s.meta.schema === 'dispatch.notice.assigned/1')).toBe(true);
    expect(seen[0]!.notice).toMatchObject({ caseNumber: first.number, categoryCode: 'roads', acceptDueAt: first.acceptDueAt, completeDueAt: first.completeDueAt });
    // Once each: dispatch applies each case event once (inbox), and writes its notice in that transaction.
    expect(await noticesInOutbox('gov.evt.dispatch.notice.housing.assigned')).toHaveLength(3);
    expect((await noticesInOutbox('gov.evt.dispatch.notice.water.assigned')).map((r) => r.payload.caseId)).toHaveLength(2);
  });

  it("refuses a department system another department's notices, and needs a department for addressed events", async () => {
    const other = await errorOf(housing.consume(subjects.dispatch.notice.assigned, { durable: 'housing', department: 'water' }, async () => undefined));
    expect((other as GridworkError).code).toBe(ErrorCode.FORBIDDEN);
    const otherAll = await errorOf(housing.consumeAddressed(DEPARTMENT_NOTICES, { department: 'water' }, async () => undefined));
    expect((otherAll as GridworkError).code).toBe(ErrorCode.FORBIDDEN);
    // A department binds to the consumer the platform made for it, named after it; it makes none itself.
    const otherName = await errorOf(housing.consumeAddressed(DEPARTMENT_NOTICES, { durable: 'housing-2' }, async () => undefined));
    expect((otherName as GridworkError).code).toBe(ErrorCode.FORBIDDEN);
    const unlisted = new GridworkClient(world.nc, { department: 'parks', timeoutMs: 5_000 });
    const missing = (await errorOf(unlisted.consumeAddressed(DEPARTMENT_NOTICES, {}, async () => undefined))) as GridworkError;
    expect({ code: missing.code, message: missing.message }).toEqual({
      code: ErrorCode.UNAVAILABLE,
      message: "the consumer parks on GOV_DISPATCH does not exist: the platform creates it (dispatch's DEPARTMENTS setting lists parks)",
    });
    await expect((await jetstreamManager(world.nc)).consumers.info('GOV_DISPATCH', 'parks')).rejects.toThrow(/consumer not found/);
    expect((await errorOf(world.client.consume(subjects.dispatch.notice.assigned, { durable: 'x' }, async () => undefined)))?.message).toMatch(/say whose/);
    expect((await errorOf(world.client.consume(subjects.dispatch.case.assigned, { durable: 'x', department: 'housing' }, async () => undefined)))?.message).toMatch(
      /not addressed/,
    );
    expect((await errorOf(housing.consumeAddressed([subjects.dispatch.notice.assigned, subjects.dispatch.case.assigned as never], {}, async () => undefined)))?.message).toMatch(
      /not addressed like/,
    );
  });

  it("gives one durable consumer all of a department's notices in order: assignment, whistle, supervision", async () => {
    const seen: DepartmentNotice[] = [];
    const consumer = await water.consumeAddressed(DEPARTMENT_NOTICES, {}, async (notice, meta, event) => {
      expect(meta.subject).toBe(addressedSubjectOf(event, 'water'));
      seen.push(notice);
    });
    try {
      const gridCase = await report({ categoryCode: 'environment' });
      const whistle = await world.client.request(subjects.dispatch.case.blowWhistle, {
        caseId: gridCase.id,
        actor: { kind: 'worker', id: 'w-1' },
        departments: ['water', 'housing'],
        reason: 'a burst main under the lane',
      });
      const pipes = await report({ categoryCode: 'pipes' });
      const order = await world.client.request(subjects.dispatch.case.supervise, {
        caseId: pipes.id,
        actor: operator,
        issuer: { level: 'platform' },
        note: 'fix it before the school opens',
      });
      // Two assignments from the first test and the withdrawal of the one reassigned to housing, then these.
      await waitFor('whistle, assignment and supervision notices', () => seen.length === 6);
      expect(seen.map((s) => [s.kind, s.caseId])).toEqual([
        ['assigned', expect.any(String)],
        ['assigned', expect.any(String)],
        ['withdrawn', seen[1]!.caseId],
        ['whistled', gridCase.id],
        ['assigned', pipes.id],
        ['supervised', pipes.id],
      ]);
      expect(seen[2]).toMatchObject({ action: 'assign' });
      expect(seen[3]).toMatchObject({ department: 'water', whistleId: whistle.id, dueAt: whistle.calls[0]!.dueAt, reason: 'a burst main under the lane' });
      expect(seen[5]).toMatchObject({ supervisionOrderId: order.id, reason: 'fix it before the school opens' });
      expect(seen.every((s) => s.department === 'water')).toBe(true);
    } finally {
      await consumer.stop();
    }
    // The durable is named after the department, the one name its NATS permissions allow.
    const info = await (await jetstreamManager(world.nc)).consumers.info('GOV_DISPATCH', 'water');
    expect(info.config.filter_subject).toBe('gov.evt.dispatch.notice.water.>');
  });

  it('tells a department when its resolved case comes back to it, and when a callback sends it up', async () => {
    const c = await report();
    const housingNotices = async () =>
      (
        await world.query<{ subject: string; payload: DepartmentNotice }>(
          'dispatch',
          `SELECT subject, payload FROM outbox WHERE subject LIKE 'gov.evt.dispatch.notice.housing.%' AND payload->>'caseId' = $1 ORDER BY seq`,
          [c.id],
        )
      ).map((row) => row.payload);
    const work = async () => {
      await housing.request(subjects.dispatch.case.claim, { caseId: c.id });
      await housing.request(subjects.dispatch.case.resolve, { caseId: c.id, resolution: 'filled the pothole' });
    };
    await work();
    const reopened = await world.client.request(subjects.dispatch.case.callback, { caseId: c.id, actor: operator, satisfaction: 'unsatisfied', comment: 'it is back' });
    expect(reopened).toMatchObject({ state: 'reopened', owner: { kind: 'department', department: 'housing' } });
    await waitFor('the reopened notice', async () => (await housingNotices()).length === 2 || undefined);
    const [assigned, again] = await housingNotices();
    expect(assigned!.kind).toBe('assigned');
    // Not a second `assigned`: the department's system can tell rework (重办) from new work, and sees the new deadlines.
    expect(again).toMatchObject({ kind: 'reopened', acceptDueAt: reopened.acceptDueAt, completeDueAt: reopened.completeDueAt });

    await work();
    const sentUp = await world.client.request(subjects.dispatch.case.callback, { caseId: c.id, actor: operator, satisfaction: 'unsatisfied' });
    expect(sentUp.owner).toEqual({ kind: 'level', level: 'district', areaCode: 'T01' });
    await waitFor('the withdrawn notice', async () => (await housingNotices()).length === 3 || undefined);
    expect((await housingNotices())[2]).toMatchObject({ kind: 'withdrawn', action: 'callback', reason: 'unsatisfied again: sent up to the district level' });
    // And it may still read the case it worked on.
    expect((await housing.request(subjects.dispatch.case.get, { idOrNumber: c.id })).state).toBe('assigned');
  });

  it('publishes an addressed event only for a department, on its subject', async () => {
    const ds = await new DataSource({ type: 'postgres', url: world.url('dispatch') }).initialize();
    try {
      const notice: DepartmentNotice = {
        department: 'parks',
        kind: 'reminded',
        caseId: '0190f0f0-0000-7000-8000-000000000001',
        caseNumber: '2026112300000001',
        at: new Date().toISOString(),
      };
      const write = (fn: (em: EntityManager) => Promise<unknown>) => errorOf(ds.transaction(fn));
      expect((await write((em) => publishInTransaction(em, subjects.dispatch.notice.reminded, notice)))?.message).toMatch(/publish it with \{ department \}/);
      expect((await write((em) => publishInTransaction(em, subjects.dispatch.notice.reminded, notice, { department: 'Not A Code' })))?.message).toMatch(/department code/);
      expect((await write((em) => publishManyInTransaction(em, subjects.dispatch.notice.reminded, [notice])))?.message).toMatch(/one department at a time/);
      expect(
        (await write((em) => publishInTransaction(em, subjects.dispatch.whistle.missed, { ...notice, whistleId: notice.caseId, dueAt: notice.at, missedAt: notice.at } as never, { department: 'parks' })))
          ?.message,
      ).toMatch(/not addressed/);
      const id = await ds.transaction((em) => publishInTransaction(em, subjects.dispatch.notice.reminded, notice, { department: 'parks' }));
      const [row] = await ds.query(`SELECT subject FROM outbox WHERE id = $1`, [id]);
      expect(row.subject).toBe('gov.evt.dispatch.notice.parks.reminded');
    } finally {
      await ds.destroy();
    }

    expect(subjects.dispatch.notice.assigned.subject).toBe('gov.evt.dispatch.notice.*.assigned');
    expect(addressedFilterOf(subjects.dispatch.notice.whistled, 'housing')).toBe('gov.evt.dispatch.notice.housing.>');
  });

  it("shows operators how many of a department's notices wait and for how long, until the department takes them", async () => {
    const backlog = async () => {
      const text = await (await fetch(`${dispatchHttp}/metrics`)).text();
      const value = (name: string) => {
        const match = new RegExp(`^${name}\\{department="greening",service="dispatch"\\} (\\S+)$`, 'm').exec(text);
        return match ? Number(match[1]) : undefined;
      };
      return { pending: value('gov_dispatch_department_notices_pending'), waiting: value('gov_dispatch_department_notices_oldest_waiting_seconds') };
    };
    // Greening's system has not pulled from its consumer yet: every notice published for it waits.
    expect((await backlog()).pending ?? 0).toBe(0);
    await report({ categoryCode: 'trees' });
    await report({ categoryCode: 'trees' });
    await waitFor('both notices to wait for greening', async () => (await backlog()).pending === 2);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await backlog()).waiting).toBeGreaterThanOrEqual(1);

    const greening = new GridworkClient(world.nc, { department: 'greening', timeoutMs: 5_000 });
    let taken = 0;
    const consumer = await greening.consumeAddressed(DEPARTMENT_NOTICES, {}, async () => {
      taken++;
    });
    try {
      await waitFor('greening to take its notices', () => taken === 2);
      await waitFor('the backlog to empty', async () => (await backlog()).pending === 0);
      expect((await backlog()).waiting).toBe(0);
    } finally {
      await consumer.stop();
    }
    // With its consumer stopped, a new notice waits again, counted from the consumer's acknowledgements.
    await report({ categoryCode: 'trees' });
    await waitFor('the new notice to wait', async () => (await backlog()).pending === 1);
    expect((await backlog()).waiting).toBeGreaterThan(0);
    // Other departments are reported beside it.
    const text = await (await fetch(`${dispatchHttp}/metrics`)).text();
    expect(text).toMatch(/^gov_dispatch_department_notices_pending\{department="water",service="dispatch"\} \d+$/m);
  });
});
