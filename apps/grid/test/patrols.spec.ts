import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, GridworkError, MAX_ROUTE_POINTS, subjects, type LogPatrolRequest } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { gridService } from '../src/grid.definition.js';

const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as GridworkError);
const fieldsOf = (error: GridworkError | undefined) => error?.details?.map((d) => d.field).sort();

const DAY = '2025-06-02';
/** A time on DAY in China Standard Time. */
const at = (time: string, day = DAY) => `${day}T${time}:00+08:00`;
/** A straight walk east along latitude 39.9, `n` positions over 0.01° of longitude (about 854 m), to 7 decimals as stored. */
const walk = (n: number): [number, number][] =>
  Array.from({ length: n }, (_, i) => [Math.round((116.4 + (0.01 * i) / Math.max(n - 1, 1)) * 1e7) / 1e7, 39.9]);

/** Daily patrols (日常巡查): logging with route and findings, refusals, lists by grid and worker, and coverage. */
describe('patrols', () => {
  let world: TestWorld;
  let li: string;
  let wang: string;
  let gone: string;
  let hydrant: string;
  const patrols = async () => (await world.query<{ n: number }>('grid', `SELECT count(*)::int AS n FROM patrol`))[0]!.n;
  const log = (request: Partial<LogPatrolRequest>) =>
    world.client.request(subjects.grid.patrol.log, {
      gridCode: 'G1',
      workerId: li,
      date: DAY,
      startedAt: at('08:00'),
      endedAt: at('09:00'),
      caseReported: false,
      ...request,
    } as LogPatrolRequest);

  beforeAll(async () => {
    world = await testWorld(['grid']);
    await world.start(gridService, 'grid');
    // Another module's data, seeded directly: one community with grids G1 and G2 active since 2024,
    // G3 retired before DAY, G4 retired during DAY and G6 split off from it then, G7 created the day after.
    const since2024 = '2024-01-01T00:00:00+08:00';
    await world.query(
      'grid',
      `INSERT INTO area (code, name, level, parent_code, path, created_at, retired_at) VALUES
         ('C1', 'City', 'city', NULL, '{C1}', '${since2024}', NULL),
         ('D1', 'District', 'district', 'C1', '{C1,D1}', '${since2024}', NULL),
         ('T1', 'Township', 'township', 'D1', '{C1,D1,T1}', '${since2024}', NULL),
         ('M1', 'Community', 'community', 'T1', '{C1,D1,T1,M1}', '${since2024}', NULL),
         ('M2', 'Other community', 'community', 'T1', '{C1,D1,T1,M2}', '${since2024}', NULL),
         ('G1', 'Grid one', 'grid', 'M1', '{C1,D1,T1,M1,G1}', '${since2024}', NULL),
         ('G2', 'Grid two', 'grid', 'M1', '{C1,D1,T1,M1,G2}', '${since2024}', NULL),
         ('G3', 'Grid three', 'grid', 'M1', '{C1,D1,T1,M1,G3}', '${since2024}', '2025-01-01T00:00:00+08:00'),
         ('G4', 'Grid four', 'grid', 'M1', '{C1,D1,T1,M1,G4}', '${since2024}', '${at('15:00')}'),
         ('G5', 'Grid five', 'grid', 'M2', '{C1,D1,T1,M2,G5}', '${since2024}', NULL),
         ('G6', 'Grid six', 'grid', 'M1', '{C1,D1,T1,M1,G6}', '${at('15:00')}', NULL),
         ('G7', 'Grid seven', 'grid', 'M1', '{C1,D1,T1,M1,G7}', '${at('10:00', '2025-06-03')}', NULL)`,
    );
    await world.query(
      'grid',
      `INSERT INTO grid (code, community_code, population, households, area_square_metres)
       SELECT code, parent_code, 1000, 400, 250000 FROM area WHERE level = 'grid'`,
    );
    const register = (name: string) =>
      world.client.request(subjects.grid.worker.register, { name, employment: 'full-time', hiredOn: '2024-01-01' }).then((w) => w.id);
    li = await register('Li Na');
    wang = await register('Wang Qiang');
    gone = await register('Zhao Lei');
    await world.client.request(subjects.grid.worker.leave, { id: gone, leftOn: '2025-05-01', reason: 'moved to another city' });
    const record = await world.client.request(subjects.grid.baseRecord.register, {
      gridCode: 'G1',
      type: 'fire-hydrant',
      name: 'Hydrant 7',
      attributes: { status: 'in-service' },
      actor: { id: li, name: 'Li Na' },
    });
    hydrant = record.id;
  });
  afterAll(() => world?.dispose());

  it('logs a patrol with its route, findings and reported case, and writes a logged event without the route', async () => {
    const patrol = await log({
      route: walk(11),
      findings: [{ text: 'Hydrant 7 cap missing', baseRecordId: hydrant }, { text: 'Rubbish piled at the east gate' }],
      caseReported: true,
      caseReference: 'CASE-2025-000123',
    });
    expect(patrol).toMatchObject({
      gridCode: 'G1',
      workerId: li,
      workerName: 'Li Na',
      date: DAY,
      startedAt: '2025-06-02T00:00:00.000Z',
      endedAt: '2025-06-02T01:00:00.000Z',
      durationMinutes: 60,
      routePoints: 11,
      findingCount: 2,
      caseReported: true,
      caseReference: 'CASE-2025-000123',
      findings: [{ text: 'Hydrant 7 cap missing', baseRecordId: hydrant }, { text: 'Rubbish piled at the east gate' }],
    });
    expect(patrol.distanceMetres).toBeGreaterThan(840);
    expect(patrol.distanceMetres).toBeLessThan(870);
    expect(patrol.route).toEqual(walk(11));

    const again = await world.client.request(subjects.grid.patrol.get, { id: patrol.id });
    expect(again).toEqual(patrol);

    const [event] = await world.query<{ payload: Record<string, unknown> }>('grid', `SELECT payload FROM outbox WHERE subject = 'gov.evt.grid.patrol.logged'`);
    expect(event!.payload).toMatchObject({
      patrol: { id: patrol.id, gridCode: 'G1', workerId: li, date: DAY, caseReported: true, caseReference: 'CASE-2025-000123', findingCount: 2 },
      findings: patrol.findings,
    });
    expect(event!.payload.patrol).not.toHaveProperty('route');
  });

  it('takes several patrols of one worker a day, but not overlapping ones or the same one twice', async () => {
    // Starts when the first one ended: ranges are half-open.
    await log({ gridCode: 'G2', startedAt: at('09:00'), endedAt: at('09:30') });
    await log({ startedAt: at('14:00'), endedAt: at('15:00') });
    const before = await patrols();
    const overlapping = await errorOf(log({ gridCode: 'G2', startedAt: at('08:30'), endedAt: at('08:45') }));
    expect(overlapping?.code).toBe(ErrorCode.CONFLICT);
    const twice = await errorOf(log({ startedAt: at('14:00'), endedAt: at('15:00') }));
    expect(twice?.code).toBe(ErrorCode.CONFLICT);
    // Racing copies: the exclusion constraint refuses all but one.
    const racing = await Promise.all([1, 2, 3].map(() => errorOf(log({ startedAt: at('16:00'), endedAt: at('17:00') }))));
    expect(racing.filter((e) => e === undefined)).toHaveLength(1);
    expect(racing.filter((e) => e?.code === ErrorCode.CONFLICT)).toHaveLength(2);
    expect(await patrols()).toBe(before + 1);
    // Another worker may patrol at the same time.
    await log({ workerId: wang, startedAt: at('08:00'), endedAt: at('10:00') });
  });

  it('answers NOT_FOUND for an unknown worker, grid or record, refuses a worker who left, and stores nothing', async () => {
    const before = await patrols();
    const morning = { startedAt: at('06:00'), endedAt: at('07:00') };
    expect((await errorOf(log({ ...morning, workerId: '0190a000-0000-7000-8000-00000000dead' })))?.code).toBe(ErrorCode.NOT_FOUND);
    expect((await errorOf(log({ ...morning, gridCode: 'NOPE' })))?.code).toBe(ErrorCode.NOT_FOUND);
    const retired = await errorOf(log({ ...morning, gridCode: 'G3' }));
    expect(retired?.code).toBe(ErrorCode.NOT_FOUND);
    expect(retired?.message).toMatch(/retired/);
    const record = await errorOf(log({ ...morning, findings: [{ text: 'x', baseRecordId: '0190a000-0000-7000-8000-00000000beef' }] }));
    expect(record?.code).toBe(ErrorCode.NOT_FOUND);
    expect(record?.message).toContain('0190a000-0000-7000-8000-00000000beef');
    const left = await errorOf(log({ ...morning, workerId: gone }));
    expect(left?.code).toBe(ErrorCode.CONFLICT);
    expect(left?.message).toMatch(/left on 2025-05-01/);
    expect(await patrols()).toBe(before);
  });

  it('refuses a patrol before the worker was hired or before the grid existed, naming who and what', async () => {
    const before = await patrols();
    const newcomer = await world.client.request(subjects.grid.worker.register, { name: 'Sun Li', employment: 'part-time', hiredOn: '2025-06-10' });
    const early = await errorOf(log({ workerId: newcomer.id, startedAt: at('06:00'), endedAt: at('07:00') }));
    expect(early?.code).toBe(ErrorCode.CONFLICT);
    expect(early?.message).toBe(`worker ${newcomer.id} (Sun Li) was hired on 2025-06-10 and cannot patrol on ${DAY}`);
    // G6 was created at 15:00 that day: a morning patrol there is refused, an evening one taken.
    const beforeGrid = await errorOf(log({ gridCode: 'G6', startedAt: at('06:00'), endedAt: at('07:00') }));
    expect(beforeGrid?.code).toBe(ErrorCode.CONFLICT);
    expect(beforeGrid?.message).toBe(`grid G6 was created at 2025-06-02T07:00:00.000Z; a patrol starting at ${at('06:00')} was before it existed`);
    expect(await patrols()).toBe(before);
    await log({ gridCode: 'G6', workerId: wang, startedAt: at('18:00'), endedAt: at('19:00') });
  });

  it('bounds the route: at most MAX_ROUTE_POINTS positions, at least 2, each [longitude, latitude] in range', async () => {
    const morning = { startedAt: at('05:00'), endedAt: at('05:30') };
    const long = await errorOf(log({ ...morning, route: walk(MAX_ROUTE_POINTS + 1) }));
    expect(fieldsOf(long)).toEqual(['route']);
    expect(long?.details![0]!.messages.join()).toMatch(/5000/);
    const single = await errorOf(log({ ...morning, route: walk(1) }));
    expect(single?.details![0]!.messages.join()).toMatch(/at least 2/);
    const swapped = await errorOf(log({ ...morning, route: [[116.4, 39.9], [39.9, 116.4]] }));
    expect(fieldsOf(swapped)).toEqual(['route']);
    expect(swapped?.details![0]!.messages.join()).toMatch(/position 1 .*swapped/);
    const longest = await log({ ...morning, route: walk(MAX_ROUTE_POINTS) });
    expect(longest.routePoints).toBe(MAX_ROUTE_POINTS);
  });

  it('refuses inconsistent times, a wrong day, a future patrol and a case reference without a case, naming each field', async () => {
    const before = await patrols();
    const backwards = await errorOf(log({ startedAt: at('21:00'), endedAt: at('20:00'), caseReference: 'CASE-1' }));
    expect(fieldsOf(backwards)).toEqual(['caseReference', 'endedAt']);
    // 23:30 UTC on June 1 is 07:30 on June 2 in China: the day is the local one.
    expect(fieldsOf(await errorOf(log({ date: '2025-06-01', startedAt: '2025-06-01T23:30:00Z', endedAt: '2025-06-01T23:45:00Z' })))).toEqual(['date']);
    const tomorrow = new Date(Date.now() + 86_400_000);
    const future = await errorOf(
      log({ date: new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(tomorrow), startedAt: tomorrow.toISOString(), endedAt: new Date(tomorrow.getTime() + 3_600_000).toISOString() }),
    );
    expect(fieldsOf(future)).toEqual(['endedAt', 'startedAt']);
    expect(fieldsOf(await errorOf(log({ startedAt: '2025-06-02T22:00:00', endedAt: at('23:00') })))).toEqual(['startedAt']);
    expect(await patrols()).toBe(before);
  });

  it('lists patrols by grid or by worker over a date range, by start time, paged', async () => {
    await log({ date: '2025-06-03', startedAt: at('08:00', '2025-06-03'), endedAt: at('09:00', '2025-06-03') });
    const grid = await world.client.request(subjects.grid.patrol.list, { gridCode: 'G1', from: DAY, to: DAY });
    expect(grid.items.map((p) => [p.workerName, p.startedAt])).toEqual([
      ['Li Na', '2025-06-01T21:00:00.000Z'],
      ['Li Na', '2025-06-02T00:00:00.000Z'],
      ['Wang Qiang', '2025-06-02T00:00:00.000Z'],
      ['Li Na', '2025-06-02T06:00:00.000Z'],
      ['Li Na', '2025-06-02T08:00:00.000Z'],
    ]);
    expect(grid.items[0]).not.toHaveProperty('route');
    const first = await world.client.request(subjects.grid.patrol.list, { workerId: li, from: DAY, to: '2025-06-03', limit: 4 });
    const second = await world.client.request(subjects.grid.patrol.list, { workerId: li, from: DAY, to: '2025-06-03', limit: 4, after: first.nextAfter });
    expect(second.nextAfter).toBeUndefined();
    const all = [...first.items, ...second.items];
    expect(all.map((p) => p.gridCode)).toEqual(['G1', 'G1', 'G2', 'G1', 'G1', 'G1']);
    expect(all.at(-1)!.date).toBe('2025-06-03');
    const both = await world.client.request(subjects.grid.patrol.list, { gridCode: 'G2', workerId: li, from: DAY, to: DAY });
    expect(both.items).toHaveLength(1);

    expect(fieldsOf(await errorOf(world.client.request(subjects.grid.patrol.list, { from: DAY, to: DAY })))).toEqual(['gridCode']);
    expect(fieldsOf(await errorOf(world.client.request(subjects.grid.patrol.list, { gridCode: 'G1', from: DAY, to: '2025-06-01' })))).toEqual(['to']);
    expect(fieldsOf(await errorOf(world.client.request(subjects.grid.patrol.list, { gridCode: 'G1', from: '2024-01-01', to: DAY })))).toEqual(['to']);
    const unknown = await errorOf(world.client.request(subjects.grid.patrol.list, { workerId: '0190a000-0000-7000-8000-00000000dead', from: DAY, to: DAY }));
    expect(unknown?.code).toBe(ErrorCode.NOT_FOUND);
  });

  it('reports which of a community’s grids were patrolled on a day and which were not', async () => {
    const coverage = await world.client.request(subjects.grid.patrol.coverage, { communityCode: 'M1', date: DAY });
    expect(coverage).toEqual({
      communityCode: 'M1',
      date: DAY,
      grids: [
        { gridCode: 'G1', name: 'Grid one', patrols: 5, workers: 2, findings: 2, casesReported: 1 },
        { gridCode: 'G2', name: 'Grid two', patrols: 1, workers: 1, findings: 0, casesReported: 0 },
        // Retired during the day: it was still a grid to patrol that morning; G6 replaced it that afternoon.
        { gridCode: 'G4', name: 'Grid four', patrols: 0, workers: 0, findings: 0, casesReported: 0 },
        { gridCode: 'G6', name: 'Grid six', patrols: 1, workers: 1, findings: 0, casesReported: 0 },
      ],
      patrolledGrids: 3,
      notPatrolled: ['G4'],
    });
    // G7, created on June 3, is not listed for June 2; a day before G6 existed lists neither it nor G7.
    const dayBefore = await world.client.request(subjects.grid.patrol.coverage, { communityCode: 'M1', date: '2025-06-01' });
    expect(dayBefore.grids.map((g) => g.gridCode)).toEqual(['G1', 'G2', 'G4']);
    const nextDay = await world.client.request(subjects.grid.patrol.coverage, { communityCode: 'M1', date: '2025-06-03' });
    expect(nextDay.grids.map((g) => g.gridCode)).toEqual(['G1', 'G2', 'G6', 'G7']);
    expect(nextDay.notPatrolled).toEqual(['G2', 'G6', 'G7']);
    expect((await errorOf(world.client.request(subjects.grid.patrol.coverage, { communityCode: 'G1', date: DAY })))?.code).toBe(ErrorCode.NOT_FOUND);
    expect((await errorOf(world.client.request(subjects.grid.patrol.coverage, { communityCode: 'NOPE', date: DAY })))?.code).toBe(ErrorCode.NOT_FOUND);
  });
});
