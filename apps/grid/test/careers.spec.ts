import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LADDER, ErrorCode, GridworkError, subjects, type CareerPosition } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { gridService } from '../src/grid.definition.js';
import { annualGradeOf, compositeScore, gradeAfterReview, ladderProblems } from '../src/careers/rules.js';

const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as GridworkError);
const fieldsOf = (error: GridworkError | undefined) => error?.details?.map((d) => d.field).sort();
const { worker } = subjects.grid;
const career = subjects.grid.career;

describe('career rules', () => {
  it('weighs monthly 0.2, quarterly 0.3 and annual 0.5, sharing out a missing part', () => {
    expect(compositeScore([80, 90, 100], [90], 95)).toBe(92.5);
    // No monthly records: 0.3 and 0.5 scaled to 3/8 and 5/8.
    expect(compositeScore([], [80], 96)).toBe(90);
    expect(compositeScore([], [], 77.25)).toBe(77.25);
  });

  it('grades by both the composite score and resident satisfaction', () => {
    expect(annualGradeOf(90, 90)).toBe('excellent');
    expect(annualGradeOf(99, 89.99)).toBe('competent');
    expect(annualGradeOf(89.99, 100)).toBe('competent');
    expect(annualGradeOf(95, 75)).toBe('basically-competent');
    expect(annualGradeOf(60, 70)).toBe('basically-competent');
    expect(annualGradeOf(59.99, 100)).toBe('incompetent');
    expect(annualGradeOf(100, 69)).toBe('incompetent');
  });

  it('moves the pay grade: excellent +1, every second competent year +1, incompetent −1, within the post', () => {
    const staff = DEFAULT_LADDER.staff;
    expect(gradeAfterReview('excellent', { grade: 5, competentYears: 1 }, staff)).toEqual({ grade: 6, competentYears: 0 });
    expect(gradeAfterReview('competent', { grade: 5, competentYears: 0 }, staff)).toEqual({ grade: 5, competentYears: 1 });
    expect(gradeAfterReview('competent', { grade: 5, competentYears: 1 }, staff)).toEqual({ grade: 6, competentYears: 0 });
    expect(gradeAfterReview('basically-competent', { grade: 5, competentYears: 1 }, staff)).toEqual({ grade: 5, competentYears: 0 });
    expect(gradeAfterReview('incompetent', { grade: 5, competentYears: 1 }, staff)).toEqual({ grade: 4, competentYears: 0 });
    expect(gradeAfterReview('excellent', { grade: 12, competentYears: 0 }, staff)).toEqual({ grade: 12, competentYears: 0 });
    expect(gradeAfterReview('incompetent', { grade: 1, competentYears: 0 }, staff)).toEqual({ grade: 1, competentYears: 0 });
  });

  it('accepts a ladder from 1 to 18 without holes or falling ends, and names what is wrong otherwise', () => {
    const ladder = (s: [number, number], d: [number, number], h: [number, number]) => [
      { post: 'staff' as const, lowestGrade: s[0], highestGrade: s[1] },
      { post: 'deputy' as const, lowestGrade: d[0], highestGrade: d[1] },
      { post: 'head' as const, lowestGrade: h[0], highestGrade: h[1] },
    ];
    expect(ladderProblems(ladder([1, 12], [4, 15], [7, 18]))).toEqual([]);
    expect(ladderProblems(ladder([1, 6], [7, 12], [13, 18]))).toEqual([]);
    expect(ladderProblems(ladder([1, 5], [7, 12], [13, 18]))[0]!.messages).toEqual(['grades between staff and deputy belong to no post']);
    expect(ladderProblems(ladder([2, 12], [4, 15], [7, 17]))[0]!.messages).toEqual(['staff must start at grade 1', 'head must end at grade 18']);
    expect(ladderProblems(ladder([1, 12], [4, 10], [7, 18]))[0]!.messages).toEqual(['deputy must not start or end below staff']);
    expect(ladderProblems(ladder([1, 12], [4, 15], [7, 18]).slice(0, 2))[0]!.messages[0]).toMatch(/each post once/);
  });
});

describe('careers', () => {
  let world: TestWorld;
  const count = async (table: string) => (await world.query<{ n: number }>('grid', `SELECT count(*)::int AS n FROM ${table}`))[0]!.n;
  const outbox = (subject: string) =>
    world.query<{ payload: Record<string, unknown> }>('grid', `SELECT payload FROM outbox WHERE subject = $1 ORDER BY seq`, [subject]);
  const hire = async (name: string) => (await world.client.request(worker.register, { name, employment: 'full-time', hiredOn: '2020-01-01' })).id;
  const place = (workerId: string, position: CareerPosition, grade: number) =>
    world.client.request(career.place, { workerId, position, grade, on: '2020-01-01' });
  const annual = (workerId: string, year: number, score: number, satisfaction: number) =>
    world.client.request(subjects.grid.assessment.record, { workerId, kind: 'annual', period: String(year), score, satisfaction });

  beforeAll(async () => {
    world = await testWorld(['grid']);
    await world.start(gridService, 'grid');
  });
  afterAll(() => world?.dispose());

  it('answers the default ladder and changes it only to a sound one that keeps everyone in range', async () => {
    const ladder = await world.client.request(career.ladder, {});
    expect(ladder).toEqual({
      posts: [
        { post: 'staff', lowestGrade: 1, highestGrade: 12 },
        { post: 'deputy', lowestGrade: 4, highestGrade: 15 },
        { post: 'head', lowestGrade: 7, highestGrade: 18 },
      ],
      chain: ['grid-worker', 'committee-member', 'deputy-secretary', 'secretary'],
    });
    const hole = await errorOf(
      world.client.request(career.setLadder, {
        posts: [
          { post: 'staff', lowestGrade: 1, highestGrade: 5 },
          { post: 'deputy', lowestGrade: 7, highestGrade: 12 },
          { post: 'head', lowestGrade: 13, highestGrade: 18 },
        ],
        reason: 'x',
      }),
    );
    expect(fieldsOf(hole)).toEqual(['posts']);
    const shape = await errorOf(world.client.request(career.setLadder, { posts: [{ post: 'boss', lowestGrade: 0, highestGrade: 19 }], reason: '' } as never));
    expect(fieldsOf(shape)).toEqual(['posts', 'posts[0].highestGrade', 'posts[0].lowestGrade', 'posts[0].post', 'reason']);

    const zhou = await hire('周敏');
    await place(zhou, 'grid-worker', 10);
    const narrower = {
      posts: [
        { post: 'staff' as const, lowestGrade: 1, highestGrade: 8 },
        { post: 'deputy' as const, lowestGrade: 6, highestGrade: 14 },
        { post: 'head' as const, lowestGrade: 10, highestGrade: 18 },
      ],
      reason: 'city pay reform',
    };
    expect((await errorOf(world.client.request(career.setLadder, narrower)))?.code).toBe(ErrorCode.CONFLICT);
    const wider = { ...narrower, posts: [{ ...narrower.posts[0]!, highestGrade: 12 }, narrower.posts[1]!, narrower.posts[2]!] };
    expect((await world.client.request(career.setLadder, wider)).posts[1]).toEqual({ post: 'deputy', lowestGrade: 6, highestGrade: 14 });
    expect((await outbox(career.ladderChanged.subject)).at(-1)!.payload).toMatchObject({ reason: 'city pay reform' });
    // Back to the usual ranges for the tests below.
    await world.client.request(career.setLadder, {
      posts: (['staff', 'deputy', 'head'] as const).map((post) => ({ post, ...DEFAULT_LADDER[post] })),
      reason: 'restore',
    });
  });

  it('places a worker in their post range only, once', async () => {
    const wu = await hire('吴刚');
    const before = await count('career');
    expect(fieldsOf(await errorOf(place(wu, 'secretary', 5)))).toEqual(['grade']);
    expect(fieldsOf(await errorOf(world.client.request(career.place, { workerId: wu, position: 'mayor', grade: 19, on: '2020-02-30' } as never)))).toEqual([
      'grade',
      'on',
      'position',
    ]);
    expect(fieldsOf(await errorOf(world.client.request(career.place, { workerId: wu, position: 'grid-worker', grade: 3, on: '2019-12-31' })))).toEqual(['on']);
    expect((await errorOf(place('01900000-0000-7000-8000-000000000000', 'grid-worker', 3)))?.code).toBe(ErrorCode.NOT_FOUND);
    expect(await count('career')).toBe(before);

    const placed = await place(wu, 'grid-worker', 3);
    expect(placed).toMatchObject({ workerId: wu, workerName: '吴刚', position: 'grid-worker', post: 'staff', grade: 3, since: '2020-01-01', competentYears: 0 });
    expect(placed.history).toEqual([expect.objectContaining({ kind: 'placed', position: 'grid-worker', grade: 3 })]);
    expect((await errorOf(place(wu, 'grid-worker', 4)))?.code).toBe(ErrorCode.CONFLICT);
    expect((await outbox(career.changed.subject)).at(-1)!.payload).toMatchObject({ workerId: wu, post: 'staff', step: { kind: 'placed', grade: 3 } });
  });

  it('promotes one step at a time along the chain to secretary, changing post and grade', async () => {
    const he = await hire('何平');
    await place(he, 'grid-worker', 3);
    const skip = await errorOf(world.client.request(career.promote, { workerId: he, to: 'deputy-secretary', on: '2021-01-01', reason: 'x' }));
    expect(skip?.code).toBe(ErrorCode.CONFLICT);
    expect(skip?.message).toMatch(/only to committee-member/);

    const member = await world.client.request(career.promote, { workerId: he, to: 'committee-member', on: '2021-01-01', reason: 'elected to the committee' });
    expect(member).toMatchObject({ position: 'committee-member', post: 'staff', grade: 3, since: '2021-01-01' });
    const early = await errorOf(world.client.request(career.promote, { workerId: he, to: 'deputy-secretary', on: '2020-06-01', reason: 'x' }));
    expect(fieldsOf(early)).toEqual(['on']);
    const lower = await errorOf(world.client.request(career.promote, { workerId: he, to: 'deputy-secretary', on: '2022-01-01', reason: 'x', grade: 16 }));
    expect(fieldsOf(lower)).toEqual(['grade']);
    // Grade 3 is below the deputy range (4–15): raised to its lowest.
    const deputy = await world.client.request(career.promote, { workerId: he, to: 'deputy-secretary', on: '2022-01-01', reason: 'appointed deputy secretary' });
    expect(deputy).toMatchObject({ position: 'deputy-secretary', post: 'deputy', grade: 4 });
    const secretary = await world.client.request(career.promote, { workerId: he, to: 'secretary', on: '2023-01-01', reason: 'elected secretary', grade: 9 });
    expect(secretary).toMatchObject({ position: 'secretary', post: 'head', grade: 9, since: '2023-01-01' });
    const top = await errorOf(world.client.request(career.promote, { workerId: he, to: 'secretary', on: '2024-01-01', reason: 'x' }));
    expect(top?.code).toBe(ErrorCode.CONFLICT);

    const read = await world.client.request(career.get, { workerId: he });
    expect(read.history.map((s) => [s.kind, s.on, s.positionBefore, s.position, s.gradeBefore, s.grade, s.reason])).toEqual([
      ['placed', '2020-01-01', undefined, 'grid-worker', undefined, 3, 'placed on the ladder'],
      ['promoted', '2021-01-01', 'grid-worker', 'committee-member', 3, 3, 'elected to the committee'],
      ['promoted', '2022-01-01', 'committee-member', 'deputy-secretary', 3, 4, 'appointed deputy secretary'],
      ['promoted', '2023-01-01', 'deputy-secretary', 'secretary', 4, 9, 'elected secretary'],
    ]);
    const promotions = (await outbox(career.changed.subject)).filter((e) => e.payload.workerId === he).map((e) => e.payload.post);
    expect(promotions).toEqual(['staff', 'staff', 'deputy', 'head']);
    const unplaced = await hire('未定级');
    expect((await errorOf(world.client.request(career.get, { workerId: unplaced })))?.code).toBe(ErrorCode.NOT_FOUND);
    expect((await errorOf(world.client.request(career.promote, { workerId: unplaced, to: 'committee-member', on: '2021-01-01', reason: 'x' })))?.code).toBe(
      ErrorCode.NOT_FOUND,
    );
  });

  it('derives the annual grade from the year\'s scores and satisfaction and moves the pay grade', async () => {
    const lin = await hire('林芳');
    await place(lin, 'grid-worker', 5);
    for (const [period, score] of [['2025-01', 80], ['2025-02', 90], ['2025-03', 100]] as const) {
      await world.client.request(subjects.grid.assessment.record, { workerId: lin, kind: 'monthly', period, score, satisfaction: 95 });
    }
    await world.client.request(subjects.grid.assessment.record, { workerId: lin, kind: 'quarterly', period: '2025-Q1', score: 90, assessedBy: 'street office' });
    const review = await annual(lin, 2025, 95, 92);
    // 0.2 × 90 + 0.3 × 90 + 0.5 × 95 = 92.5, satisfaction 92: excellent, one grade up.
    expect(review.annual).toEqual({ composite: 92.5, satisfaction: 92, grade: 'excellent', renewContract: true, gradeBefore: 5, gradeAfter: 6 });
    const after = await world.client.request(career.get, { workerId: lin });
    expect(after).toMatchObject({ grade: 6, competentYears: 0 });
    expect(after.history.at(-1)).toMatchObject({ kind: 'graded', gradeBefore: 5, grade: 6, reason: 'annual review 2025: excellent', assessmentId: review.id });
    const recorded = (await outbox(subjects.grid.assessment.recorded.subject)).at(-1)!.payload;
    expect(recorded).toMatchObject({ id: review.id, kind: 'annual', annual: { grade: 'excellent', gradeAfter: 6 } });
    const listed = await world.client.request(subjects.grid.assessment.list, { workerId: lin, year: 2025 });
    expect(listed.items.map((a) => a.period)).toEqual(['2025-01', '2025-02', '2025-03', '2025-Q1', '2025']);

    // The year is closed: no more records for it, nor an annual review for an earlier year.
    const late = await errorOf(world.client.request(subjects.grid.assessment.record, { workerId: lin, kind: 'monthly', period: '2025-04', score: 90 }));
    expect(late?.code).toBe(ErrorCode.CONFLICT);
    expect((await errorOf(annual(lin, 2024, 90, 90)))?.code).toBe(ErrorCode.CONFLICT);
    expect((await errorOf(annual(lin, 2025, 90, 90)))?.code).toBe(ErrorCode.CONFLICT);
  });

  it('counts competent years, ignores a high score residents are unhappy with, and lowers and stops renewal on incompetent', async () => {
    const ma = await hire('马丽');
    await place(ma, 'grid-worker', 5);
    expect((await annual(ma, 2022, 80, 85)).annual).toMatchObject({ grade: 'competent', gradeBefore: 5, gradeAfter: 5 });
    expect((await world.client.request(career.get, { workerId: ma })).competentYears).toBe(1);
    expect((await annual(ma, 2023, 80, 85)).annual).toMatchObject({ grade: 'competent', gradeAfter: 6 });
    expect((await annual(ma, 2024, 95, 75)).annual).toMatchObject({ grade: 'basically-competent', gradeBefore: 6, gradeAfter: 6, renewContract: true });
    // Promotion needs the latest annual review to be competent or better.
    const blocked = await errorOf(world.client.request(career.promote, { workerId: ma, to: 'committee-member', on: '2025-01-01', reason: 'x' }));
    expect(blocked?.code).toBe(ErrorCode.CONFLICT);
    expect((await annual(ma, 2025, 50, 90)).annual).toMatchObject({ grade: 'incompetent', gradeBefore: 6, gradeAfter: 5, renewContract: false });
    expect((await world.client.request(career.get, { workerId: ma })).grade).toBe(5);

    // A part-time worker off the ladder is graded without a pay grade.
    const part = (await world.client.request(worker.register, { name: '兼职', employment: 'part-time', hiredOn: '2020-01-01' })).id;
    const offLadder = await annual(part, 2025, 88, 88);
    expect(offLadder.annual).toEqual({ composite: 88, satisfaction: 88, grade: 'competent', renewContract: true });
  });

  it('refuses malformed assessments naming the fields and stores nothing', async () => {
    const gao = await hire('高洁');
    const before = await count('assessment');
    const events = await count('outbox');
    const shape = await errorOf(
      world.client.request(subjects.grid.assessment.record, { workerId: gao, kind: 'weekly', period: '2025-W01', score: 101, satisfaction: -1 } as never),
    );
    expect(fieldsOf(shape)).toEqual(['kind', 'period', 'satisfaction', 'score']);
    const wrongShape = await errorOf(world.client.request(subjects.grid.assessment.record, { workerId: gao, kind: 'monthly', period: '2025', score: 80 }));
    expect(fieldsOf(wrongShape)).toEqual(['period']);
    const noSatisfaction = await errorOf(world.client.request(subjects.grid.assessment.record, { workerId: gao, kind: 'annual', period: '2025', score: 80 }));
    expect(fieldsOf(noSatisfaction)).toEqual(['satisfaction']);
    const future = await errorOf(world.client.request(subjects.grid.assessment.record, { workerId: gao, kind: 'annual', period: '2099', score: 80, satisfaction: 80 }));
    expect(fieldsOf(future)).toEqual(['period']);
    expect(await count('assessment')).toBe(before);
    expect(await count('outbox')).toBe(events);
    await world.client.request(subjects.grid.assessment.record, { workerId: gao, kind: 'monthly', period: '2025-05', score: 80 });
    const twice = await errorOf(world.client.request(subjects.grid.assessment.record, { workerId: gao, kind: 'monthly', period: '2025-05', score: 81 }));
    expect(twice?.code).toBe(ErrorCode.CONFLICT);
  });

  it('keeps training records and certificates, with total hours and the valid qualifications', async () => {
    const xu = await hire('徐立');
    await world.client.request(subjects.grid.training.record, { workerId: xu, course: '网格员岗前培训', startedOn: '2024-03-01', endedOn: '2024-03-05', hours: 32, passed: true });
    await world.client.request(subjects.grid.training.record, { workerId: xu, course: '矛盾纠纷调解', provider: '区司法局', startedOn: '2024-09-10', hours: 6.5 });
    const bad = await errorOf(world.client.request(subjects.grid.training.record, { workerId: xu, course: '', startedOn: '2024-09-10', endedOn: '2024-09-01', hours: 0 }));
    expect(fieldsOf(bad)).toEqual(['course', 'hours']);
    const backwards = await errorOf(world.client.request(subjects.grid.training.record, { workerId: xu, course: 'x', startedOn: '2024-09-10', endedOn: '2024-09-01', hours: 1 }));
    expect(fieldsOf(backwards)).toEqual(['endedOn']);

    const cert = await world.client.request(subjects.grid.training.recordCertificate, {
      workerId: xu,
      kind: 'social-worker-intermediate',
      number: 'SW2024-0001',
      issuedOn: '2024-12-01',
    });
    expect(cert).toMatchObject({ kind: 'social-worker-intermediate', name: '社会工作师 (intermediate social worker)', number: 'SW2024-0001' });
    await world.client.request(subjects.grid.training.recordCertificate, {
      workerId: xu,
      kind: 'other',
      name: '心理咨询师',
      number: 'P-1',
      issuedOn: '2015-01-01',
      expiresOn: '2020-01-01',
    });
    const dup = await errorOf(
      world.client.request(subjects.grid.training.recordCertificate, { workerId: xu, kind: 'social-worker-intermediate', number: 'SW2024-0001', issuedOn: '2024-12-01' }),
    );
    expect(dup?.code).toBe(ErrorCode.CONFLICT);
    expect(fieldsOf(await errorOf(world.client.request(subjects.grid.training.recordCertificate, { workerId: xu, kind: 'other', number: 'Q', issuedOn: '2024-01-01' })))).toEqual([
      'name',
    ]);

    const profile = await world.client.request(subjects.grid.training.list, { workerId: xu });
    expect(profile.trainings.map((t) => [t.course, t.hours])).toEqual([
      ['网格员岗前培训', 32],
      ['矛盾纠纷调解', 6.5],
    ]);
    expect(profile.totalHours).toBe(38.5);
    expect(profile.certificates).toHaveLength(2);
    // The expired one no longer counts.
    expect(profile.validCertificateKinds).toEqual(['social-worker-intermediate']);
    expect((await outbox(subjects.grid.training.certificateRecorded.subject)).map((e) => e.payload.number)).toEqual(['SW2024-0001', 'P-1']);
  });

  it('rolls the reserve pool by the last annual grade: keeps, drops and adds, and says why', async () => {
    // Years 2023 → 2024, which no other test reviews, so the roll sees only these workers.
    const keep = await hire('留任');
    const weak = await hire('基本称职');
    const unreviewed = await hire('未考核');
    const gone = await hire('离职');
    const star = await hire('优秀');
    const topped = await hire('升书记');
    const starGone = await hire('优秀离职');
    const late = await hire('新提名');
    for (const id of [keep, weak, unreviewed, gone, star, starGone, late]) await place(id, 'grid-worker', 4);
    await place(topped, 'deputy-secretary', 8);

    for (const id of [keep, weak, unreviewed, gone, topped]) {
      await world.client.request(subjects.grid.reservePool.nominate, { workerId: id, year: 2023, reason: 'community recommendation' });
    }
    const twice = await errorOf(world.client.request(subjects.grid.reservePool.nominate, { workerId: keep, year: 2023, reason: 'again' }));
    expect(twice?.code).toBe(ErrorCode.CONFLICT);
    const sideways = await errorOf(world.client.request(subjects.grid.reservePool.nominate, { workerId: star, year: 2023, targetPosition: 'grid-worker', reason: 'x' }));
    expect(fieldsOf(sideways)).toEqual(['targetPosition']);

    await annual(keep, 2023, 80, 85); // competent
    await annual(weak, 2023, 65, 75); // basically competent
    await annual(gone, 2023, 95, 95);
    await annual(star, 2023, 95, 95); // excellent
    await annual(topped, 2023, 95, 95);
    await annual(starGone, 2023, 95, 95);
    await world.client.request(career.promote, { workerId: topped, to: 'secretary', on: '2024-01-05', reason: 'elected secretary' });
    await world.client.request(worker.leave, { id: gone, leftOn: '2024-01-10', reason: 'moved away' });
    await world.client.request(worker.leave, { id: starGone, leftOn: '2024-01-10', reason: 'moved away' });
    // Below the bar: the pool takes competent or better.
    const refused = await errorOf(world.client.request(subjects.grid.reservePool.nominate, { workerId: weak, year: 2024, reason: 'x' }));
    expect(refused?.code).toBe(ErrorCode.CONFLICT);
    // Nominated into 2024 before the roll: left as it is.
    const nominated = await world.client.request(subjects.grid.reservePool.nominate, { workerId: late, year: 2024, reason: 'strong patrol record' });
    expect(nominated).toMatchObject({ year: 2024, source: 'nominated', position: 'grid-worker', targetPosition: 'committee-member' });

    const roll = await world.client.request(subjects.grid.reservePool.roll, { year: 2024 });
    const names = (changes: Array<{ workerName: string; reason: string }>) => changes.map((c) => [c.workerName, c.reason]).sort();
    expect(names(roll.kept)).toEqual([['留任', 'annual review 2023: competent']]);
    expect(names(roll.dropped)).toEqual(
      [
        ['基本称职', 'annual review 2023: basically-competent'],
        ['未考核', 'no annual review for 2023'],
        ['离职', 'left on 2024-01-10'],
        ['升书记', 'reached secretary, the top of the chain'],
      ].sort(),
    );
    expect(names(roll.added)).toEqual([['优秀', 'annual review 2023: excellent']]);
    expect(roll.size).toBe(3);
    expect((await errorOf(world.client.request(subjects.grid.reservePool.roll, { year: 2024 })))?.code).toBe(ErrorCode.CONFLICT);

    const pool = await world.client.request(subjects.grid.reservePool.list, { year: 2024 });
    expect(pool.items.map((m) => [m.workerName, m.source, m.lastAnnualGrade]).sort()).toEqual(
      [
        ['优秀', 'excellent', 'excellent'],
        ['新提名', 'nominated', undefined],
        ['留任', 'carried', 'competent'],
      ].sort(),
    );
    const paged = await world.client.request(subjects.grid.reservePool.list, { year: 2024, limit: 2 });
    const rest = await world.client.request(subjects.grid.reservePool.list, { year: 2024, limit: 2, after: paged.nextAfter });
    expect([...paged.items, ...rest.items].map((m) => m.workerId).sort()).toEqual(pool.items.map((m) => m.workerId).sort());
    expect((await outbox(subjects.grid.reservePool.rolled.subject)).at(-1)!.payload).toEqual(JSON.parse(JSON.stringify(roll)));
    const [stored] = await world.query<{ result: unknown }>('grid', `SELECT result FROM reserve_pool_roll WHERE year = 2024`);
    expect(stored!.result).toEqual(JSON.parse(JSON.stringify(roll)));
  });
});
