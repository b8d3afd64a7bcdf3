import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { INestApplication } from '@nestjs/common';
import { ErrorCode, GridworkError, subjects, type ReportCaseRequest } from '@gridwork/contracts';
import { GridworkClient } from '@gridwork/client';
import { ServiceMetrics } from '@gridwork/observability';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { waitFor } from '@gridwork/testing';
import { dispatchService } from '@gridwork/dispatch-service/definition';
import { staffSmallCity, startGridWithSmallCity } from '../fixtures/small-city.js';

const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as GridworkError);
/** Community staff act through an operator's account (the gateway will give them one). */
const communityStaff = { kind: 'operator' as const, id: 'community-staff', name: 'Community staff Sun' };
const districtOperator = { kind: 'operator' as const, id: 'op-d', name: 'District Supervisor Zhao' };
/** Inside grid T01010101 (west) of the small city; T010101 is its community, T0101 its township, T01 its district. */
const WEST = { longitude: 113.005, latitude: 23.01 };

// The timers read these when a replica starts: poll fast, and small batches so replicas interleave.
process.env.DISPATCH_TIMER_POLL_MS = '100';
process.env.DISPATCH_TIMER_BATCH = '10';

/**
 * Deadlines and supervision (限时办结, 统一督办). Time limits are hours, so
 * tests move a case's reminder or deadline into the past with SQL and wait
 * for the poller, which fires within a poll of the moment it is due.
 */
describe('dispatch deadlines and supervision', () => {
  let world: TestWorld;
  let replica: INestApplication;
  /** The west grid's worker, whom its grid-level cases go to. */
  let worker: { kind: 'worker'; id: string; name: string };
  let emergency: GridworkClient;
  let housing: GridworkClient;
  let n = 0;
  const report = async (overrides: Partial<ReportCaseRequest> = {}, client?: GridworkClient) =>
    (
      await (client ?? world.client).request(subjects.dispatch.case.report, {
        idempotencyKey: `key-${++n}`,
        channel: 'hotline-12345',
        categoryCode: 'environment.garbage',
        description: 'Garbage piling up by the gate',
        location: WEST,
        ...overrides,
      })
    ).case;
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => world.query<T>('dispatch', text, params);
  const getCase = (id: string) => world.client.request(subjects.dispatch.case.get, { idOrNumber: id });
  const actions = async (id: string) => (await getCase(id)).timeline.map((t) => t.action);
  const eventsOf = (id: string, event: string) =>
    sql<{ payload: Record<string, unknown> }>(`SELECT payload FROM outbox WHERE subject = $2 AND (payload->>'caseId' = $1) ORDER BY seq`, [
      id,
      `gov.evt.dispatch.case.${event}`,
    ]);
  /** Moves a case's timer moment (a column of "case") to a second ago. */
  const due = (ids: string[], column: string) => sql(`UPDATE "case" SET ${column} = now() - interval '1 second' WHERE id = ANY ($1::uuid[])`, [ids]);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 600));

  beforeAll(async () => {
    world = await testWorld(['grid', 'dispatch']);
    replica = await world.start(dispatchService, 'dispatch');
    await startGridWithSmallCity(world);
    worker = (await staffSmallCity(world)).T01010101;
    emergency = new GridworkClient(world.nc, { department: 'emergency', timeoutMs: 5_000 });
    housing = new GridworkClient(world.nc, { department: 'housing', timeoutMs: 5_000 });
    await world.client.request(subjects.dispatch.category.define, {
      code: 'environment',
      name: 'Environment',
      responsible: { kind: 'level', level: 'grid' },
      acceptHours: 1,
      completeHours: 4,
      hoursKind: 'calendar',
    });
    await world.client.request(subjects.dispatch.category.define, {
      code: 'environment.garbage',
      name: 'Garbage',
      responsible: { kind: 'level', level: 'grid' },
      acceptHours: 1,
      completeHours: 2,
      hoursKind: 'calendar',
    });
    await world.client.request(subjects.dispatch.category.define, {
      code: 'safety',
      name: 'Safety hazard',
      responsible: { kind: 'department', department: 'emergency' },
      acceptHours: 1,
      completeHours: 48,
      hoursKind: 'calendar',
    });
  });
  afterAll(() => world?.dispose());

  it('reminds the owner once per deadline when 80% of its time has passed', async () => {
    const c = await report();
    const [timer] = await sql<{ accept_share: number; complete_share: number; timer_is_accept_reminder: boolean }>(
      `SELECT EXTRACT(EPOCH FROM accept_remind_at - assigned_at) / EXTRACT(EPOCH FROM accept_due_at - assigned_at) AS accept_share,
              EXTRACT(EPOCH FROM complete_remind_at - assigned_at) / EXTRACT(EPOCH FROM complete_due_at - assigned_at) AS complete_share,
              timer_at = accept_remind_at AS timer_is_accept_reminder
         FROM "case" WHERE id = $1`,
      [c.id],
    );
    expect(Number(timer!.accept_share)).toBeCloseTo(0.8, 2);
    expect(Number(timer!.complete_share)).toBeCloseTo(0.8, 2);
    expect(timer!.timer_is_accept_reminder).toBe(true);

    await due([c.id], 'accept_remind_at');
    await waitFor('claim reminder', async () => (await actions(c.id)).includes('remind'));
    await settle();
    const timeline = (await getCase(c.id)).timeline;
    const reminders = timeline.filter((t) => t.action === 'remind');
    expect(reminders).toHaveLength(1);
    expect(reminders[0]).toMatchObject({ actorKind: 'system', data: { deadline: 'accept', dueAt: c.acceptDueAt } });
    expect(reminders[0]!.reason).toMatch(/^the claim deadline \(签收\) is \d{4}-\d\d-\d\d \d\d:\d\d \+08:00: \d+ minutes left$/);
    const [reminded] = await eventsOf(c.id, 'reminded');
    expect(reminded!.payload).toMatchObject({ number: c.number, deadline: 'accept', dueAt: c.acceptDueAt, owner: { kind: 'level', level: 'grid', areaCode: 'T01010101' } });
    // A reminder is not a change of the case.
    expect((await getCase(c.id)).version).toBe(c.version);

    // Claimed, the claim deadline stops running; the completion deadline still reminds, once.
    await world.client.request(subjects.dispatch.case.claim, { caseId: c.id, actor: worker });
    await due([c.id], 'complete_remind_at');
    await waitFor('completion reminder', async () => (await actions(c.id)).filter((a) => a === 'remind').length === 2);
    await settle();
    expect((await actions(c.id)).filter((a) => a === 'remind')).toHaveLength(2);
    expect((await eventsOf(c.id, 'reminded')).map((e) => e.payload.deadline)).toEqual(['accept', 'complete']);
    const [after] = await sql<{ waits_for_deadline: boolean }>(`SELECT timer_at = complete_due_at AS waits_for_deadline FROM "case" WHERE id = $1`, [c.id]);
    expect(after!.waits_for_deadline).toBe(true);
  });

  it('escalates a missed deadline one level up with a yellow flag, then red, and keeps a case at the district red', async () => {
    const c = await report();
    expect(c.owner).toMatchObject({ kind: 'level', level: 'grid', areaCode: 'T01010101' });

    // Missed claim: up to the community, yellow, with new deadlines from the category.
    await due([c.id], 'accept_due_at');
    const atCommunity = await waitFor('escalation to the community', async () => {
      const now = await getCase(c.id);
      return now.owner?.level === 'community' ? now : undefined;
    });
    expect(atCommunity).toMatchObject({ state: 'assigned', flag: 'yellow', owner: { kind: 'level', level: 'community', areaCode: 'T010101' } });
    const escalatedAt = Date.parse(atCommunity.updatedAt);
    expect(Date.parse(atCommunity.acceptDueAt!) - escalatedAt).toBe(3600_000);
    expect(Date.parse(atCommunity.completeDueAt!) - escalatedAt).toBe(2 * 3600_000);
    const escalation = atCommunity.timeline.at(-1)!;
    expect(escalation).toMatchObject({ action: 'escalate', actorKind: 'system', fromState: 'assigned', toState: 'assigned' });
    expect(escalation.reason).toMatch(/^missed the claim deadline \(签收\) of \d{4}-\d\d-\d\d \d\d:\d\d \+08:00: sent up to the community level \(T010101\), yellow flag$/);
    const [escalated] = await eventsOf(c.id, 'escalated');
    expect(escalated!.payload).toMatchObject({
      owner: { level: 'community', areaCode: 'T010101' },
      previousOwner: { level: 'grid', areaCode: 'T01010101' },
      missed: ['accept'],
      flag: 'yellow',
      acceptDueAt: atCommunity.acceptDueAt,
    });
    const [flagged] = await eventsOf(c.id, 'flagged');
    expect(flagged!.payload).toMatchObject({ flag: 'yellow', escalated: true, overdueCount: 1, owner: { level: 'community' } });
    // The new owner is told through the ordinary assignment event too.
    expect((await eventsOf(c.id, 'assigned')).at(-1)!.payload).toMatchObject({ owner: { level: 'community' }, acceptDueAt: atCommunity.acceptDueAt });

    // The community claims it but misses completion: red, up to the township (back to assigned, to be claimed there).
    await world.client.request(subjects.dispatch.case.claim, { caseId: c.id, actor: communityStaff });
    await due([c.id], 'complete_due_at');
    const atTownship = await waitFor('escalation to the township', async () => {
      const now = await getCase(c.id);
      return now.owner?.level === 'township' ? now : undefined;
    });
    expect(atTownship).toMatchObject({ state: 'assigned', flag: 'red', owner: { areaCode: 'T0101' } });
    expect(atTownship.timeline.at(-1)).toMatchObject({ action: 'escalate', fromState: 'in-progress', toState: 'assigned' });
    expect(atTownship.timeline.at(-1)!.reason).toMatch(/^missed the completion deadline \(办结\) of .*: sent up to the township level \(T0101\), red flag$/);

    // Both deadlines missed at once (say, while nothing ran): one escalation naming both.
    await sql(`UPDATE "case" SET accept_due_at = now() - interval '2 seconds', complete_due_at = now() - interval '1 second' WHERE id = $1`, [c.id]);
    const atDistrict = await waitFor('escalation to the district', async () => {
      const now = await getCase(c.id);
      return now.owner?.level === 'district' ? now : undefined;
    });
    expect(atDistrict.timeline.at(-1)!.reason).toMatch(/^missed the claim deadline \(签收\) of .* and the completion deadline \(办结\) of .*: sent up to the district level \(T01\), red flag$/);

    // At the district there is no level above: it stays, red, and the timeline says so.
    await due([c.id], 'accept_due_at');
    const stays = await waitFor('overdue at the district', async () => {
      const now = await getCase(c.id);
      return now.timeline.at(-1)!.action === 'overdue' ? now : undefined;
    });
    expect(stays).toMatchObject({ state: 'assigned', flag: 'red', owner: { level: 'district', areaCode: 'T01' }, version: atDistrict.version + 1 });
    expect(stays.timeline.at(-1)!.reason).toMatch(/^missed the claim deadline \(签收\) of .*: the district is the top level, so it stays with the district T01; red flag$/);
    expect((await eventsOf(c.id, 'flagged')).at(-1)!.payload).toMatchObject({ flag: 'red', escalated: false, overdueCount: 4, owner: { level: 'district' } });
    // The missed claim deadline does not fire again; the completion deadline still runs.
    await settle();
    expect((await actions(c.id)).filter((a) => a === 'overdue')).toHaveLength(1);
    const [timer] = await sql<{ on_completion: boolean }>(`SELECT timer_at = complete_remind_at AS on_completion FROM "case" WHERE id = $1`, [c.id]);
    expect(timer!.on_completion).toBe(true);
    expect((await eventsOf(c.id, 'escalated')).map((e) => e.payload.flag)).toEqual(['yellow', 'red', 'red']);

    const redOnes = await world.client.request(subjects.dispatch.case.list, { flag: 'red', ownerAreaCode: 'T01' });
    expect(redOnes.items.map((i) => i.id)).toContain(c.id);
  });

  it('sends a department’s missed case to its district', async () => {
    const c = await report({ categoryCode: 'safety', description: 'Loose manhole cover' });
    expect(c.owner).toEqual({ kind: 'department', department: 'emergency' });
    await due([c.id], 'accept_due_at');
    const escalated = await waitFor('department case at the district', async () => {
      const now = await getCase(c.id);
      return now.owner?.kind === 'level' ? now : undefined;
    });
    expect(escalated).toMatchObject({ flag: 'yellow', owner: { kind: 'level', level: 'district', areaCode: 'T01' } });
    expect((await eventsOf(c.id, 'escalated'))[0]!.payload).toMatchObject({ previousOwner: { kind: 'department', department: 'emergency' } });
    // The department is told the case was taken away, and may still read it.
    const told = await waitFor('the escalated-away notice', async () => {
      const [row] = await sql<{ payload: Record<string, unknown> }>(`SELECT payload FROM outbox WHERE subject = 'gov.evt.dispatch.notice.emergency.escalated' AND payload->>'caseId' = $1`, [c.id]);
      return row?.payload;
    });
    expect(told).toMatchObject({ kind: 'escalated', escalatedAway: true, flag: 'yellow' });
    expect((await emergency.request(subjects.dispatch.case.get, { idOrNumber: c.id })).owner).toEqual({ kind: 'level', level: 'district', areaCode: 'T01' });
  });

  it('fires each timer exactly once with two replicas on the same database', async () => {
    const second = await world.start(dispatchService, 'dispatch');
    const firedBy = async (app: INestApplication) => {
      const metric = await app.get(ServiceMetrics).registry.getSingleMetric('gov_dispatch_timers_fired_total')!.get();
      return Object.fromEntries(metric.values.map((v) => [v.labels.kind, v.value]));
    };
    const before = [await firedBy(replica), await firedBy(second)];
    const cases = await Promise.all(Array.from({ length: 60 }, (_, i) => report({ description: `Heap ${i}` })));
    const ids = cases.map((c) => c.id);
    const count = async (action: string) =>
      (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM case_timeline WHERE case_id = ANY ($1::uuid[]) AND action = $2`, [ids, action]))[0]!.n;

    await due(ids, 'accept_remind_at');
    await waitFor('60 reminders', async () => (await count('remind')) >= 60, 30_000, 100);
    await due(ids, 'accept_due_at');
    await waitFor('60 escalations', async () => (await count('escalate')) >= 60, 30_000, 100);
    await settle();

    const perCase = await sql<{ reminders: number; escalations: number }>(
      `SELECT count(*) FILTER (WHERE action = 'remind')::int AS reminders, count(*) FILTER (WHERE action = 'escalate')::int AS escalations
         FROM case_timeline WHERE case_id = ANY ($1::uuid[]) GROUP BY case_id`,
      [ids],
    );
    expect(perCase).toHaveLength(60);
    expect(perCase.every((c) => c.reminders === 1 && c.escalations === 1)).toBe(true);
    const events = await sql<{ subject: string; n: number }>(
      `SELECT subject, count(*)::int AS n FROM outbox WHERE payload->>'caseId' = ANY ($1::text[]) AND subject LIKE 'gov.evt.dispatch.case.%' GROUP BY subject`,
      [ids],
    );
    const bySubject = Object.fromEntries(events.map((e) => [e.subject.slice('gov.evt.dispatch.case.'.length), e.n]));
    expect(bySubject).toMatchObject({ reminded: 60, escalated: 60, flagged: 60 });
    expect((await sql<{ flag: string; owner_level: string }>(`SELECT DISTINCT flag, owner_level FROM "case" WHERE id = ANY ($1::uuid[])`, [ids]))).toEqual([
      { flag: 'yellow', owner_level: 'community' },
    ]);
    // Both replicas' counters together account for every timer, once.
    const after = [await firedBy(replica), await firedBy(second)];
    const delta = (kind: string) => after.reduce((sum, a, i) => sum + (a[kind] ?? 0) - (before[i]![kind] ?? 0), 0);
    expect(delta('remind')).toBe(60);
    expect(delta('escalate')).toBe(60);
    await world.stop(second);
  });

  it('fires a timer that fell due while the service was stopped, after it starts again', async () => {
    const c = await report();
    await world.stop(replica);
    await due([c.id], 'accept_due_at');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await sql<{ owner_level: string }>(`SELECT owner_level FROM "case" WHERE id = $1`, [c.id]))[0]!.owner_level).toBe('grid');
    replica = await world.start(dispatchService, 'dispatch');
    const escalated = await waitFor('escalation after restart', async () => {
      const now = await getCase(c.id);
      return now.owner?.level === 'community' ? now : undefined;
    });
    expect(escalated.flag).toBe('yellow');
    await settle();
    expect((await actions(c.id)).filter((a) => a === 'escalate')).toHaveLength(1);
    // It fired at least 1.3 s late (due a second before the stop, plus the 0.3 s stopped): the lateness objective sees it.
    const metrics = await (await fetch(`${(await replica.getUrl()).replace('[::1]', '127.0.0.1')}/metrics`)).text();
    expect(metrics).toMatch(/^gov_dispatch_timer_lateness_seconds_bucket\{le="1",service="dispatch"\} 0$/m);
    expect(Number(/^gov_dispatch_timer_lateness_seconds_count\{service="dispatch"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    expect(Number(/^gov_dispatch_timer_lateness_seconds_sum\{service="dispatch"\} (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1.3);
  });

  it('takes the reminder share from DISPATCH_REMIND_AT_PERCENT, for deadlines set from then on', async () => {
    const share = async (id: string) =>
      Number(
        (await sql<{ share: number }>(`SELECT EXTRACT(EPOCH FROM accept_remind_at - assigned_at) / EXTRACT(EPOCH FROM accept_due_at - assigned_at) AS share FROM "case" WHERE id = $1`, [id]))[0]!
          .share,
      );
    const before = await report();
    await world.stop(replica);
    process.env.DISPATCH_REMIND_AT_PERCENT = '50';
    try {
      replica = await world.start(dispatchService, 'dispatch');
    } finally {
      delete process.env.DISPATCH_REMIND_AT_PERCENT;
    }
    expect(await share((await report()).id)).toBeCloseTo(0.5, 2);
    expect(await share(before.id)).toBeCloseTo(0.8, 2);
    // Back to the default for the tests that follow (a restart without the variable keeps the database's rule).
    await sql(`UPDATE deadline_rule SET remind_at_percent = 80`);
  });

  it('records supervision orders from an upper level, with a tighter deadline, and lists them by case and area', async () => {
    const c = await report();
    const tighter = new Date(Date.parse(c.completeDueAt!) - 30 * 60_000).toISOString();
    const order = await world.client.request(subjects.dispatch.case.supervise, {
      caseId: c.id,
      actor: districtOperator,
      issuer: { level: 'district', areaCode: 'T01' },
      note: 'Residents have called three times: clear it today and report back',
      completeDueAt: tighter,
    });
    expect(order).toMatchObject({
      caseId: c.id,
      caseNumber: c.number,
      issuer: { level: 'district', areaCode: 'T01' },
      actor: districtOperator,
      owner: { kind: 'level', level: 'grid', areaCode: 'T01010101' },
      completeDueAt: tighter,
      previousCompleteDueAt: c.completeDueAt,
    });
    const detail = await getCase(c.id);
    expect(detail.completeDueAt).toBe(tighter);
    expect(detail.version).toBe(c.version + 1);
    expect(detail.timeline.at(-1)).toMatchObject({
      action: 'supervise',
      actorKind: 'operator',
      actorId: 'op-d',
      actorName: 'District Supervisor Zhao',
      data: { orderId: order.id, issuer: { level: 'district', areaCode: 'T01' }, completeDueAt: tighter },
    });
    expect(detail.timeline.at(-1)!.reason).toMatch(/^Residents have called three times: clear it today and report back \(to be resolved by .*\)$/);
    const [supervised] = await eventsOf(c.id, 'supervised');
    expect(supervised!.payload).toMatchObject({ owner: { level: 'grid', areaCode: 'T01010101' }, order: { id: order.id }, completeDueAt: tighter });
    // The tighter deadline gets its own reminder, 80% of the way from the order to it.
    const [timer] = await sql<{ share: number }>(
      `SELECT EXTRACT(EPOCH FROM complete_remind_at - $2::timestamptz) / EXTRACT(EPOCH FROM complete_due_at - $2::timestamptz) AS share FROM "case" WHERE id = $1`,
      [c.id, order.issuedAt],
    );
    expect(Number(timer!.share)).toBeCloseTo(0.8, 2);

    // A township above a community-owned case, and the platform, may also supervise.
    const community = await report({ categoryCode: 'environment' });
    await world.client.request(subjects.dispatch.case.assign, { caseId: community.id, actor: districtOperator, to: { kind: 'level', level: 'community' } });
    const byTownship = await world.client.request(subjects.dispatch.case.supervise, {
      caseId: community.id,
      actor: { kind: 'operator', id: 'op-t' },
      issuer: { level: 'township', areaCode: 'T0101' },
      note: 'Please prioritise',
    });
    expect(byTownship.completeDueAt).toBeUndefined();
    const byPlatform = await world.client.request(subjects.dispatch.case.supervise, {
      caseId: c.id,
      actor: { kind: 'operator', id: 'op-p' },
      issuer: { level: 'platform' },
      note: 'City-wide campaign week',
    });

    const ofCase = await world.client.request(subjects.dispatch.supervision.list, { caseId: c.id });
    expect(ofCase.items.map((o) => o.id)).toEqual([byPlatform.id, order.id]);
    const inTownship = await world.client.request(subjects.dispatch.supervision.list, { areaCode: 'T0101' });
    expect(inTownship.items.map((o) => o.id)).toEqual(expect.arrayContaining([order.id, byTownship.id, byPlatform.id]));
    expect((await world.client.request(subjects.dispatch.supervision.list, { areaCode: 'T01010102' })).items).toEqual([]);
    const paged = await world.client.request(subjects.dispatch.supervision.list, { caseId: c.id, limit: 1 });
    expect(paged).toMatchObject({ items: [{ id: byPlatform.id }], nextAfter: byPlatform.id });
    expect((await world.client.request(subjects.dispatch.supervision.list, { caseId: c.id, after: paged.nextAfter })).items.map((o) => o.id)).toEqual([order.id]);

    // A department sees the orders addressed to it, nobody else's.
    const safety = await report({ categoryCode: 'safety', description: 'Broken railing' });
    const toDepartment = await world.client.request(subjects.dispatch.case.supervise, {
      caseId: safety.id,
      actor: districtOperator,
      issuer: { level: 'district', areaCode: 'T01' },
      note: 'Fix the railing before the school opens',
    });
    expect((await emergency.request(subjects.dispatch.supervision.list, {})).items.map((o) => o.id)).toEqual([toDepartment.id]);
    expect((await housing.request(subjects.dispatch.supervision.list, {})).items).toEqual([]);
    const snooping = await errorOf(housing.request(subjects.dispatch.supervision.list, { ownerDepartment: 'emergency' }));
    expect(snooping?.details?.[0]?.field).toBe('ownerDepartment');
  });

  it('refuses bad supervision orders, naming the fields, and orders from below or outside the case’s area', async () => {
    const c = await report();
    const supervise = (request: object) => errorOf(world.client.request(subjects.dispatch.case.supervise, { caseId: c.id, actor: districtOperator, ...request } as never));

    const bad = await supervise({ issuer: { level: 'county', areaCode: '' }, note: '', completeDueAt: 'tomorrow' });
    expect(bad?.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(bad?.details?.map((d) => d.field).sort()).toEqual(['completeDueAt', 'issuer.areaCode', 'issuer.level', 'note']);
    const noIssuer = await supervise({ issuer: undefined, note: 'x' });
    expect(noIssuer?.details?.map((d) => d.field)).toEqual(['issuer']);
    const noArea = await supervise({ issuer: { level: 'district' }, note: 'x', completeDueAt: '2020-01-01T00:00:00Z' });
    expect(noArea?.details?.map((d) => d.field)).toEqual(['issuer.areaCode', 'completeDueAt']);
    expect(noArea?.details?.[1]?.messages).toEqual(['completeDueAt must be in the future']);
    const looser = await supervise({ issuer: { level: 'district', areaCode: 'T01' }, note: 'x', completeDueAt: new Date(Date.parse(c.completeDueAt!) + 60_000).toISOString() });
    expect(looser?.details?.[0]).toMatchObject({ field: 'completeDueAt', messages: [expect.stringMatching(/must be earlier than the current deadline/)] });
    const noActor = await supervise({ actor: undefined, issuer: { level: 'platform' }, note: 'x' });
    expect(noActor?.details?.map((d) => d.field)).toEqual(['actor']);

    const byWorker = await supervise({ actor: worker, issuer: { level: 'platform' }, note: 'x' });
    expect(byWorker?.code).toBe(ErrorCode.FORBIDDEN);
    const outside = await supervise({ issuer: { level: 'township', areaCode: 'T0102' }, note: 'x' });
    expect(outside?.code).toBe(ErrorCode.FORBIDDEN);
    expect(outside?.message).toMatch(/is not in township T0102/);
    const township = await report({ categoryCode: 'environment' });
    await world.client.request(subjects.dispatch.case.assign, { caseId: township.id, actor: districtOperator, to: { kind: 'level', level: 'township' } });
    const fromSameLevel = await errorOf(
      world.client.request(subjects.dispatch.case.supervise, { caseId: township.id, actor: districtOperator, issuer: { level: 'township', areaCode: 'T0101' }, note: 'x' }),
    );
    expect(fromSameLevel?.code).toBe(ErrorCode.FORBIDDEN);
    expect(fromSameLevel?.message).toMatch(/owned by the township level \(T0101\): a township cannot supervise it/);
    const unknown = await errorOf(
      world.client.request(subjects.dispatch.case.supervise, { caseId: '01900000-0000-7000-8000-000000000000', actor: districtOperator, issuer: { level: 'platform' }, note: 'x' }),
    );
    expect(unknown?.code).toBe(ErrorCode.NOT_FOUND);

    await world.client.request(subjects.dispatch.case.claim, { caseId: c.id, actor: worker });
    await world.client.request(subjects.dispatch.case.resolve, { caseId: c.id, actor: worker, resolution: 'cleared' });
    const resolved = await supervise({ issuer: { level: 'platform' }, note: 'x' });
    expect(resolved?.code).toBe(ErrorCode.CONFLICT);
    expect(resolved?.message).toMatch(/is resolved: supervision orders are for cases being handled/);
    expect((await sql<{ n: number }>(`SELECT count(*)::int AS n FROM supervision_order WHERE case_id = ANY ($1::uuid[])`, [[c.id, township.id]]))[0]!.n).toBe(0);
  });
});
