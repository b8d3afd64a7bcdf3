import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, GridworkError, subjects, type WorkerAssignment } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { gridService } from '../src/grid.definition.js';
import { today } from '@gridwork/local-time';

const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as GridworkError);
const fieldsOf = (error: GridworkError | undefined) => error?.details?.map((d) => d.field).sort();
const worker = subjects.grid.worker;

/**
 * Seeds a small tree with plain SQL (another module owns area/grid creation):
 * city C → district D → township T → communities CA (grids A1–A3, A9 retired)
 * and CB (grid B1), and an empty community CC.
 */
async function seedAreas(world: TestWorld): Promise<void> {
  await world.query(
    'grid',
    `INSERT INTO area (code, name, level, parent_code, path, retired_at) VALUES
       ('C', 'City', 'city', NULL, '{C}', NULL),
       ('D', 'District', 'district', 'C', '{C,D}', NULL),
       ('T', 'Township', 'township', 'D', '{C,D,T}', NULL),
       ('CA', 'Community A', 'community', 'T', '{C,D,T,CA}', NULL),
       ('CB', 'Community B', 'community', 'T', '{C,D,T,CB}', NULL),
       ('CC', 'Community C', 'community', 'T', '{C,D,T,CC}', NULL),
       ('A1', 'Grid A1', 'grid', 'CA', '{C,D,T,CA,A1}', NULL),
       ('A2', 'Grid A2', 'grid', 'CA', '{C,D,T,CA,A2}', NULL),
       ('A3', 'Grid A3', 'grid', 'CA', '{C,D,T,CA,A3}', NULL),
       ('A9', 'Grid A9', 'grid', 'CA', '{C,D,T,CA,A9}', now()),
       ('B1', 'Grid B1', 'grid', 'CB', '{C,D,T,CB,B1}', NULL)`,
  );
  await world.query(
    'grid',
    `INSERT INTO grid (code, community_code, population, households, area_square_metres) VALUES
       ('A1', 'CA', 3000, 1000, 0), ('A2', 'CA', 2500, 900, 0), ('A3', 'CA', 1000, 300, 0),
       ('A9', 'CA', 9999, 3000, 0), ('B1', 'CB', 5001, 1700, 0)`,
  );
}

describe('grid workers', () => {
  let world: TestWorld;
  const count = async (table: string) => (await world.query<{ n: number }>('grid', `SELECT count(*)::int AS n FROM ${table}`))[0]!.n;
  const outbox = (subject: string) =>
    world.query<{ payload: Record<string, unknown> }>('grid', `SELECT payload FROM outbox WHERE subject = $1 ORDER BY seq`, [subject]);
  const register = (name: string, extra: Record<string, unknown> = {}) =>
    world.client.request(worker.register, { name, employment: 'full-time', hiredOn: '2024-01-01', ...extra });

  beforeAll(async () => {
    world = await testWorld(['grid']);
    await world.start(gridService, 'grid');
    await seedAreas(world);
  });
  afterAll(() => world?.dispose());

  it('registers a worker, reads it back and writes worker.changed', async () => {
    const reply = await world.client.request(worker.register, { name: '李红', employment: 'part-time', phone: '+86 138-0000-0000', communityCode: 'CA' });
    expect(reply).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: '李红',
      employment: 'part-time',
      phone: '+86 138-0000-0000',
      communityCode: 'CA',
      hiredOn: today(),
      currentAssignments: [],
    });
    expect(await world.client.request(worker.get, { id: reply.id })).toEqual(reply);
    const events = await outbox(worker.changed.subject);
    // Events carry no phone numbers: consumers ask worker.get.
    const { phone: _phone, currentAssignments: _assignments, ...view } = reply;
    expect(events.at(-1)!.payload).toEqual({ change: 'registered', worker: view });
  });

  it('keeps phone numbers out of every event, through registration, changes and leaving', async () => {
    const before = await count('outbox');
    const wu = await register('吴芳', { phone: '13912345678', birthDate: '1990-04-01', communityCode: 'CA' });
    await world.client.request(worker.update, { id: wu.id, phone: '13987654321' });
    await world.client.request(worker.assign, { workerId: wu.id, gridCode: 'A3', startedOn: '2024-02-01' });
    await world.client.request(worker.leave, { id: wu.id, leftOn: '2025-01-01', reason: 'moved away' });
    const events = await world.query<{ subject: string; payload: unknown }>('grid', `SELECT subject, payload FROM outbox ORDER BY seq OFFSET $1`, [before]);
    expect(events.map((e) => e.subject)).toEqual([
      worker.changed.subject,
      worker.changed.subject,
      worker.assigned.subject,
      worker.assignmentEnded.subject,
      worker.changed.subject,
    ]);
    const text = JSON.stringify(events);
    expect(text).not.toContain('1391234');
    expect(text).not.toContain('1398765');
    expect(text).not.toContain('"phone"');
    expect(events[1]!.payload).toMatchObject({ change: 'updated', worker: { id: wu.id, name: '吴芳', birthDate: '1990-04-01' } });
    expect((await world.client.request(worker.get, { id: wu.id })).phone).toBe('13987654321');
  });

  it('refuses bad input naming every field and stores nothing', async () => {
    const before = await count('worker');
    const events = await count('outbox');
    const invalid = await errorOf(
      world.client.request(worker.register, { name: '', employment: 'contract', phone: 'call me', hiredOn: '2024-02-30', colour: 'red' } as never),
    );
    expect(invalid?.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(fieldsOf(invalid)).toEqual(['colour', 'employment', 'hiredOn', 'name', 'phone']);
    const unknownCommunity = await errorOf(register('王五', { communityCode: 'NOWHERE' }));
    expect(unknownCommunity?.code).toBe(ErrorCode.NOT_FOUND);
    const township = await errorOf(register('王五', { communityCode: 'T' }));
    expect(fieldsOf(township)).toEqual(['communityCode']);
    const born = await errorOf(register('王五', { birthDate: '2030-01-01' }));
    expect(fieldsOf(born)).toEqual(['birthDate']);
    const missing = await errorOf(world.client.request(worker.get, { id: '01900000-0000-7000-8000-000000000000' }));
    expect(missing?.code).toBe(ErrorCode.NOT_FOUND);
    expect(await count('worker')).toBe(before);
    expect(await count('outbox')).toBe(events);
  });

  it('keeps assignment history: end one, start another, and answers "who served on day D"', async () => {
    const zhang = await register('张伟');
    const first = await world.client.request(worker.assign, { workerId: zhang.id, gridCode: 'A1', startedOn: '2025-01-01' });
    expect(first).toMatchObject({ workerId: zhang.id, workerName: '张伟', gridCode: 'A1', communityCode: 'CA', role: 'worker', startedOn: '2025-01-01' });
    expect(first.endedOn).toBeUndefined();
    const ended = await world.client.request(worker.endAssignment, { assignmentId: first.id, endedOn: '2025-03-01', reason: 'moved to A2' });
    expect(ended).toMatchObject({ endedOn: '2025-03-01', endReason: 'moved to A2' });
    // The next one may start on the day the first ended: [start, end) ranges touch, they do not overlap.
    const second = await world.client.request(worker.assign, { workerId: zhang.id, gridCode: 'A2', startedOn: '2025-03-01' });

    const history = await world.client.request(worker.assignments, { workerId: zhang.id });
    expect(history.items.map((a) => [a.gridCode, a.startedOn, a.endedOn])).toEqual([
      ['A1', '2025-01-01', '2025-03-01'],
      ['A2', '2025-03-01', undefined],
    ]);
    const inFebruary = await world.client.request(worker.assignments, { workerId: zhang.id, on: '2025-02-28' });
    expect(inFebruary.items.map((a) => a.id)).toEqual([first.id]);
    const onMarchFirst = await world.client.request(worker.assignments, { gridCode: 'A1', on: '2025-03-01' });
    expect(onMarchFirst.items).toEqual([]);
    expect((await world.client.request(worker.get, { id: zhang.id })).currentAssignments.map((a) => a.id)).toEqual([second.id]);

    // Paging through a grid's history.
    const page1 = await world.client.request(worker.assignments, { workerId: zhang.id, limit: 1 });
    expect(page1.items.map((a) => a.id)).toEqual([first.id]);
    const page2 = await world.client.request(worker.assignments, { workerId: zhang.id, limit: 1, after: page1.nextAfter });
    expect(page2.items.map((a) => a.id)).toEqual([second.id]);
    expect(page2.nextAfter).toBeUndefined();

    const assigned = (await outbox(worker.assigned.subject)).map((e) => e.payload.id);
    expect(assigned).toEqual(expect.arrayContaining([first.id, second.id]));
    const endedEvents = await outbox(worker.assignmentEnded.subject);
    expect(endedEvents.map((e) => e.payload)).toContainEqual({ ...ended });
  });

  it('refuses overlapping assignments, a second head, retired and unknown grids, and days before hiring', async () => {
    const li = await register('李娜');
    const wang = await register('王芳');
    await world.client.request(worker.assign, { workerId: li.id, gridCode: 'A3', role: 'head', startedOn: '2025-01-01' });
    const before = await count('worker_assignment');
    const events = await count('outbox');

    const overlap = await errorOf(world.client.request(worker.assign, { workerId: li.id, gridCode: 'A3', startedOn: '2024-06-01' }));
    expect(overlap?.code).toBe(ErrorCode.CONFLICT);
    expect(overlap?.message).toBe(`worker 李娜 (${li.id}) already serves grid A3: 李娜 (${li.id}) as head from 2025-01-01; a new assignment from 2024-06-01 would overlap`);
    const secondHead = await errorOf(world.client.request(worker.assign, { workerId: wang.id, gridCode: 'A3', role: 'head', startedOn: '2025-06-01' }));
    expect(secondHead?.code).toBe(ErrorCode.CONFLICT);
    expect(secondHead?.message).toBe(`grid A3 already has a head: 李娜 (${li.id}) as head from 2025-01-01; a new assignment from 2025-06-01 would overlap`);
    const retired = await errorOf(world.client.request(worker.assign, { workerId: wang.id, gridCode: 'A9' }));
    expect(retired?.code).toBe(ErrorCode.CONFLICT);
    const unknown = await errorOf(world.client.request(worker.assign, { workerId: wang.id, gridCode: 'Z9' }));
    expect(unknown?.code).toBe(ErrorCode.NOT_FOUND);
    const early = await errorOf(world.client.request(worker.assign, { workerId: wang.id, gridCode: 'A3', startedOn: '2023-12-31' }));
    expect(fieldsOf(early)).toEqual(['startedOn']);
    const badRequest = await errorOf(world.client.request(worker.assign, { workerId: 'nobody', gridCode: 'a b', role: 'boss' } as never));
    expect(fieldsOf(badRequest)).toEqual(['gridCode', 'role', 'workerId']);
    const neither = await errorOf(world.client.request(worker.assignments, {}));
    expect(fieldsOf(neither)).toEqual(['gridCode', 'workerId']);

    expect(await count('worker_assignment')).toBe(before);
    expect(await count('outbox')).toBe(events);

    // A plain worker beside the head is fine ("one grid several workers").
    await world.client.request(worker.assign, { workerId: wang.id, gridCode: 'A3', startedOn: '2025-06-01' });
    // Made head as well while Li is head: both clashes are named, with the people.
    const both = await errorOf(world.client.request(worker.assign, { workerId: wang.id, gridCode: 'A3', role: 'head', startedOn: '2025-07-01' }));
    expect(both?.message).toBe(
      `worker 王芳 (${wang.id}) already serves grid A3: 王芳 (${wang.id}) as worker from 2025-06-01; ` +
        `grid A3 already has a head: 李娜 (${li.id}) as head from 2025-01-01; a new assignment from 2025-07-01 would overlap`,
    );
    const [headship] = (await world.client.request(worker.assignments, { gridCode: 'A3', on: '2025-07-01' })).items.filter((a) => a.role === 'head');
    const endBeforeStart = await errorOf(world.client.request(worker.endAssignment, { assignmentId: headship!.id, endedOn: '2024-12-31', reason: 'x' }));
    expect(fieldsOf(endBeforeStart)).toEqual(['endedOn']);
    await world.client.request(worker.endAssignment, { assignmentId: headship!.id, endedOn: '2025-08-01', reason: 'stepped down' });
    const twice = await errorOf(world.client.request(worker.endAssignment, { assignmentId: headship!.id, endedOn: '2025-09-01', reason: 'again' }));
    expect(twice?.code).toBe(ErrorCode.CONFLICT);
    // After the headship ended, another head may follow.
    await world.client.request(worker.assign, { workerId: wang.id, gridCode: 'B1', role: 'head', startedOn: '2025-08-01' });
  });

  it('ends open assignments when a worker leaves, cancels future ones, and refuses new ones', async () => {
    const zhao = await register('赵强');
    const open = await world.client.request(worker.assign, { workerId: zhao.id, gridCode: 'B1', startedOn: '2025-01-01' });
    const future = await world.client.request(worker.assign, { workerId: zhao.id, gridCode: 'A1', startedOn: '2026-12-01' });
    const badDay = await errorOf(world.client.request(worker.leave, { id: zhao.id, leftOn: '2023-01-01', reason: 'x' }));
    expect(fieldsOf(badDay)).toEqual(['leftOn']);
    const left = await world.client.request(worker.leave, { id: zhao.id, leftOn: '2025-10-01', reason: 'resigned' });
    expect(left).toMatchObject({ leftOn: '2025-10-01', leaveReason: 'resigned', currentAssignments: [] });
    const history = await world.client.request(worker.assignments, { workerId: zhao.id });
    expect(history.items.map((a: WorkerAssignment) => [a.id, a.endedOn])).toEqual([
      [open.id, '2025-10-01'],
      [future.id, '2026-12-01'],
    ]);
    const endedIds = (await outbox(worker.assignmentEnded.subject)).map((e) => e.payload.id);
    expect(endedIds).toEqual(expect.arrayContaining([open.id, future.id]));
    expect((await outbox(worker.changed.subject)).at(-1)!.payload).toMatchObject({ change: 'left', worker: { id: zhao.id, leftOn: '2025-10-01' } });
    expect((await errorOf(world.client.request(worker.assign, { workerId: zhao.id, gridCode: 'A2' })))?.code).toBe(ErrorCode.CONFLICT);
    expect((await errorOf(world.client.request(worker.leave, { id: zhao.id, leftOn: '2025-11-01', reason: 'x' })))?.code).toBe(ErrorCode.CONFLICT);
    expect((await errorOf(world.client.request(worker.update, { id: zhao.id, name: 'x' })))?.code).toBe(ErrorCode.CONFLICT);

    const listed = await world.client.request(worker.list, { areaCode: 'CB' });
    expect(listed.items.map((w) => w.id)).not.toContain(zhao.id);
    const withLeft = await world.client.request(worker.list, { areaCode: 'CB', includeLeft: true });
    // Employed by no community and no longer assigned: only the area filter by assignment could find them.
    expect(withLeft.items.map((w) => w.id)).not.toContain(zhao.id);
    const all = await world.client.request(worker.list, { includeLeft: true, limit: 1000 });
    expect(all.items.map((w) => w.id)).toContain(zhao.id);
  });

  it('updates a worker and clears the phone with null', async () => {
    const chen = await register('陈静', { phone: '13800000000' });
    const updated = await world.client.request(worker.update, { id: chen.id, employment: 'part-time', phone: null, communityCode: 'CB' });
    expect(updated).toMatchObject({ id: chen.id, name: '陈静', employment: 'part-time', communityCode: 'CB' });
    expect(updated.phone).toBeUndefined();
    expect((await outbox(worker.changed.subject)).at(-1)!.payload).toMatchObject({ change: 'updated', worker: { id: chen.id, employment: 'part-time' } });
    const listed = await world.client.request(worker.list, { areaCode: 'CB', employment: 'part-time' });
    expect(listed.items.map((w) => w.id)).toEqual([chen.id]);
  });

  describe('staffing report', () => {
    // A fresh township with two communities, so counts come only from what this block sets up.
    beforeAll(async () => {
      await world.query(
        'grid',
        `INSERT INTO area (code, name, level, parent_code, path, retired_at) VALUES
           ('S', 'Street', 'township', 'D', '{C,D,S}', NULL),
           ('S1', 'Community S1', 'community', 'S', '{C,D,S,S1}', NULL),
           ('S2', 'Community S2', 'community', 'S', '{C,D,S,S2}', NULL),
           ('S1G1', 'S1 grid 1', 'grid', 'S1', '{C,D,S,S1,S1G1}', NULL),
           ('S1G2', 'S1 grid 2', 'grid', 'S1', '{C,D,S,S1,S1G2}', NULL),
           ('S1G3', 'S1 grid 3', 'grid', 'S1', '{C,D,S,S1,S1G3}', NULL),
           ('S1G9', 'S1 retired', 'grid', 'S1', '{C,D,S,S1,S1G9}', now()),
           ('S2G1', 'S2 grid 1', 'grid', 'S2', '{C,D,S,S2,S2G1}', NULL)`,
      );
      await world.query(
        'grid',
        `INSERT INTO grid (code, community_code, population, households, area_square_metres) VALUES
           ('S1G1', 'S1', 3000, 1000, 0), ('S1G2', 'S1', 2500, 800, 0), ('S1G3', 'S1', 1000, 300, 0),
           ('S1G9', 'S1', 50000, 9000, 0), ('S2G1', 'S2', 5001, 1500, 0)`,
      );
    });

    it('computes residents, required at 18 per 10,000, actual, gap and grids with no worker from real data', async () => {
      const a = await register('网格员甲');
      const b = await register('网格员乙');
      const c = await register('网格员丙');
      // a serves two grids of S1 and counts once; b heads S1G1; c serves S2.
      await world.client.request(worker.assign, { workerId: a.id, gridCode: 'S1G1', startedOn: '2025-01-01' });
      await world.client.request(worker.assign, { workerId: a.id, gridCode: 'S1G2', startedOn: '2025-01-01' });
      await world.client.request(worker.assign, { workerId: b.id, gridCode: 'S1G1', role: 'head', startedOn: '2025-01-01' });
      const cInS2 = await world.client.request(worker.assign, { workerId: c.id, gridCode: 'S2G1', startedOn: '2025-01-01' });

      const report = await world.client.request(worker.staffingReport, { areaCode: 'S', on: '2025-06-01' });
      expect(report).toEqual({
        areaCode: 'S',
        on: '2025-06-01',
        totals: { communities: 2, residents: 11501, required: 22, actual: 3, gap: 19, gridsWithoutWorker: 1 },
        items: [
          // 6,500 residents (the retired grid's 50,000 do not count): ceil(11.7) = 12.
          {
            communityCode: 'S1',
            communityName: 'Community S1',
            activeGrids: 3,
            residents: 6500,
            required: 12,
            actual: 2,
            gap: 10,
            gridsWithoutWorker: ['S1G3'],
            gridsWithoutHead: ['S1G2', 'S1G3'],
          },
          // 5,001 residents: ceil(9.0018) = 10.
          { communityCode: 'S2', communityName: 'Community S2', activeGrids: 1, residents: 5001, required: 10, actual: 1, gap: 9, gridsWithoutWorker: [], gridsWithoutHead: ['S2G1'] },
        ],
      });

      // c moves from S2 to S1G3 on 1 July: the report for a day before still shows the old staffing.
      await world.client.request(worker.endAssignment, { assignmentId: cInS2.id, endedOn: '2025-07-01', reason: 'transferred' });
      await world.client.request(worker.assign, { workerId: c.id, gridCode: 'S1G3', startedOn: '2025-07-01' });
      const june = await world.client.request(worker.staffingReport, { areaCode: 'S', on: '2025-06-30' });
      expect(june.items.map((i) => [i.communityCode, i.actual, i.gridsWithoutWorker])).toEqual([
        ['S1', 2, ['S1G3']],
        ['S2', 1, []],
      ]);
      const july = await world.client.request(worker.staffingReport, { areaCode: 'S', on: '2025-07-01' });
      expect(july.items.map((i) => [i.communityCode, i.actual, i.gap, i.gridsWithoutWorker])).toEqual([
        ['S1', 3, 9, []],
        ['S2', 0, 10, ['S2G1']],
      ]);
      // Today (no `on`): the open assignments are still in force.
      const now = await world.client.request(worker.staffingReport, { areaCode: 'S1' });
      expect(now).toMatchObject({ on: today(), totals: { communities: 1, actual: 3 }, items: [{ communityCode: 'S1', actual: 3 }] });
      // Before anyone was assigned, every grid lacks a worker.
      const before = await world.client.request(worker.staffingReport, { areaCode: 'S', on: '2024-12-31' });
      expect(before.totals).toEqual({ communities: 2, residents: 11501, required: 22, actual: 0, gap: 22, gridsWithoutWorker: 4 });
    });

    it('pages communities under a district and refuses a grid or unknown area', async () => {
      const first = await world.client.request(worker.staffingReport, { areaCode: 'D', on: '2025-06-01', limit: 2 });
      expect(first.items.map((i) => i.communityCode)).toEqual(['CA', 'CB']);
      expect(first.totals.communities).toBe(5);
      const rest = await world.client.request(worker.staffingReport, { areaCode: 'D', on: '2025-06-01', limit: 2, after: first.nextAfter });
      expect(rest.items.map((i) => i.communityCode)).toEqual(['CC', 'S1']);
      const last = await world.client.request(worker.staffingReport, { areaCode: 'D', on: '2025-06-01', limit: 2, after: rest.nextAfter });
      expect(last.items.map((i) => i.communityCode)).toEqual(['S2']);
      expect(last.nextAfter).toBeUndefined();
      // A community with no grids needs nobody.
      expect(rest.items[0]).toMatchObject({ activeGrids: 0, residents: 0, required: 0, actual: 0, gap: 0, gridsWithoutWorker: [] });

      expect(fieldsOf(await errorOf(world.client.request(worker.staffingReport, { areaCode: 'S1G1' })))).toEqual(['areaCode']);
      expect((await errorOf(world.client.request(worker.staffingReport, { areaCode: 'NOPE' })))?.code).toBe(ErrorCode.NOT_FOUND);
      expect(fieldsOf(await errorOf(world.client.request(worker.staffingReport, { areaCode: 'S', on: '2025-13-01', limit: 0 })))).toEqual(['limit', 'on']);
    });
  });
});
