import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ErrorCode,
  GridworkError,
  subjects,
  type AdmissionLevel,
  type GateAnswer,
  type GateAsk,
  type ListEntryInput,
  type ListKey,
} from '@gridwork/contracts';
import { answerGate, type GateFactsRow } from '@gridwork/admission-rules';
import { GridworkClient } from '@gridwork/client';
import { today } from '@gridwork/local-time';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { waitFor } from '@gridwork/testing';
import { admissionService } from '@gridwork/admission-service/definition';
import { dispatchService } from '@gridwork/dispatch-service/definition';
import { ADMISSION_GATE_FACTS_SQL } from '@gridwork/dispatch-service/sql';
import { gridService } from '@gridwork/grid-service/definition';
import { generatedCity, randomSource, type GeneratedArea } from '../fixtures/generated-city.js';

const actor = { id: 'office-1' };
const LEVELS: AdmissionLevel[] = ['community', 'grid'];
const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as GridworkError);

/** A China-time day `days` from today. */
const day = (days: number): string => {
  const [y, m, d] = today().split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + days)).toISOString().slice(0, 10);
};

/**
 * The gate in two places: the admission service answers it from its lists,
 * dispatch from its copy kept from admission's events. On a generated city,
 * catalogue and set of list versions (exclusions, negative lists, future
 * versions, withdrawals), both answer every question alike, for every day;
 * and department systems' reports meet the same gate, refusals counted in
 * admission's burden-reduction report.
 */
describe('the admission gate, in admission and in dispatch', () => {
  let world: TestWorld;
  let areas: GeneratedArea[];
  const random = randomSource(20261207);
  const items = Array.from({ length: 14 }, (_, i) => ({ code: `item-${String(i + 1).padStart(2, '0')}`, levels: [['community'], ['grid'], ['community', 'grid']][i % 3] as AdmissionLevel[] }));

  beforeAll(async () => {
    world = await testWorld(['grid', 'dispatch', 'admission']);
    await world.start(gridService, 'grid');
    await world.start(admissionService, 'admission');
    await world.start(dispatchService, 'dispatch');
    const city = generatedCity();
    areas = city.areas;
    await world.client.request(subjects.grid.area.import, { featureCollection: city.featureCollection });
    for (const db of ['admission', 'dispatch']) {
      await waitFor(`areas in ${db}`, async () => {
        const [row] = await world.query<{ n: number }>(db, `SELECT count(*)::int AS n FROM known_area`);
        return row!.n === areas.length || undefined;
      });
    }

    for (const item of items) {
      await world.client.request(subjects.admission.item.define, { code: item.code, name: `Item ${item.code}`, department: 'housing', legalBasis: 'Housing rules', kind: 'community-work', levels: item.levels, actor });
    }
    // Lists at random areas and levels, each published once or twice, in force from today to eight days on.
    const above = areas.filter((a) => a.level !== 'grid');
    const keys = new Map<string, ListKey>();
    while (keys.size < 18) {
      const level = random.pick(LEVELS);
      const area = level === 'community' ? random.pick(above) : random.pick(areas);
      keys.set(`${area.code}/${level}`, { areaCode: area.code, kind: 'admitted', level });
    }
    for (const code of ['P1', 'P212']) keys.set(`${code}/negative`, { areaCode: code, kind: 'negative' });
    for (const key of keys.values()) {
      let effective = random.int(0, 4);
      for (let version = 0; version < random.int(1, 2); version++) {
        const fitting = items.filter((item) => key.kind === 'negative' || item.levels.includes(key.level!));
        const put: ListEntryInput[] = fitting
          .filter(() => random.chance(key.kind === 'negative' ? 0.15 : 0.4))
          .map((item) => (key.kind === 'negative' ? { itemCode: item.code } : { itemCode: item.code, admitted: random.chance(0.8) }));
        const held = version === 0 ? [] : (await world.client.request(subjects.admission.list.get, { ...key, draft: false, version })).entries.map((e) => e.itemCode);
        const remove = held.filter((code) => !put.some((p) => p.itemCode === code) && random.chance(0.5));
        await world.client.request(subjects.admission.list.editDraft, { ...key, put, remove, actor });
        await world.client.request(subjects.admission.list.publish, { ...key, effectiveOn: day(effective), actor });
        effective += random.int(0, 4);
      }
    }
    await world.client.request(subjects.admission.item.withdraw, { code: 'item-03', on: day(3), reason: 'merged into item-06', actor });
    await world.client.request(subjects.admission.item.withdraw, { code: 'item-07', on: day(6), reason: 'abolished', actor });
    // Dispatch has every published version and the withdrawals once its copy counts the same.
    const [published] = await world.query<{ n: number }>('admission', `SELECT count(*)::int AS n FROM list_version WHERE effective_on IS NOT NULL`);
    await waitFor('the lists in dispatch', async () => {
      const [copy] = await world.query<{ versions: number; withdrawn: number }>(
        'dispatch',
        `SELECT (SELECT count(*)::int FROM admission_list_version) AS versions, (SELECT count(*)::int FROM admission_item WHERE withdrawn_on IS NOT NULL) AS withdrawn`,
      );
      return (copy!.versions === published!.n && copy!.withdrawn === 2) || undefined;
    });
  });
  afterAll(() => world?.dispose());

  it('answers every question alike in both services, for every item, area, level and day', async () => {
    const asks: GateAsk[] = [];
    for (const item of items) {
      for (const area of [...areas.map((a) => a.code), 'NOWHERE']) {
        for (const level of LEVELS) for (const offset of [-1, 0, 1, 3, 5, 6, 8, 12]) asks.push({ itemCode: item.code, level, areaCode: area, on: day(offset) });
      }
    }
    asks.push({ itemCode: 'no-such-item', level: 'community', areaCode: 'P111', on: today() });
    const inAdmission: GateAnswer[] = [];
    const inDispatch: GateAnswer[] = [];
    for (let start = 0; start < asks.length; start += 500) {
      const batch = asks.slice(start, start + 500);
      inAdmission.push(...(await world.client.request(subjects.admission.gate.checkBatch, { asks: batch })).answers);
      const questions = batch.map((ask) => ({ itemCode: ask.itemCode, level: ask.level, areaCode: ask.areaCode, on: ask.on! }));
      inDispatch.push(...(await answerGate((sql, parameters) => world.query<GateFactsRow>('dispatch', sql, parameters), ADMISSION_GATE_FACTS_SQL, questions)));
    }
    expect(inDispatch).toEqual(inAdmission);
    // gate.check asks one question through its own statement (planned once): it answers as the batch does.
    const sample = asks.map((ask, i) => ({ ask, i })).filter(({ i }) => i % 23 === 0);
    const alone = await Promise.all(sample.map(({ ask }) => world.client.request(subjects.admission.gate.check, ask)));
    expect(alone).toEqual(sample.map(({ i }) => inAdmission[i]));
    // The generated set exercises every way of deciding.
    const tally = new Map<string, number>();
    for (const answer of inAdmission) tally.set(answer.reason ?? 'admitted', (tally.get(answer.reason ?? 'admitted') ?? 0) + 1);
    expect([...tally.keys()].sort()).toEqual(['absent', 'admitted', 'excluded', 'negative-list', 'not-yet-in-force', 'unknown-area', 'unknown-item', 'withdrawn']);
    expect(tally.get('admitted')).toBeGreaterThan(100);
  });

  it("gates department systems' reports in dispatch as admission's gate answers, and counts the refusals in admission", async () => {
    const housing = new GridworkClient(world.nc, { department: 'housing', timeoutMs: 5_000 });
    const grids = areas.filter((a) => a.level === 'grid');
    const housingTasks = { responsible: { kind: 'department' as const, department: 'housing' }, acceptHours: 4, completeHours: 48, hoursKind: 'calendar' as const };
    await world.client.request(subjects.dispatch.category.define, { code: 'housing', name: 'Housing', ...housingTasks });
    for (const item of items.slice(0, 6)) {
      await world.client.request(subjects.dispatch.category.define, {
        code: `housing.${item.code}`,
        name: `Housing ${item.code}`,
        ...housingTasks,
        admissionItem: item.code,
      });
    }
    let refused = 0;
    let n = 0;
    let firstRefused: (() => Promise<GridworkError | undefined>) | undefined;
    for (const item of items.slice(0, 6)) {
      for (const grid of grids.filter((_, i) => i % 4 === 0)) {
        for (const level of LEVELS) {
          const areaCode = level === 'grid' ? grid.code : grid.parentCode!;
          const gate = await world.client.request(subjects.admission.gate.check, { itemCode: item.code, level, areaCode });
          const key = `push-${++n}`;
          const send = () =>
            errorOf(
              housing.request(subjects.dispatch.case.report, {
                idempotencyKey: key,
                channel: 'department',
                categoryCode: `housing.${item.code}`,
                description: 'A task for the community',
                location: grid.centre,
                pushDownTo: level,
              }),
            );
          const outcome = await send();
          if (gate.admitted) {
            expect(outcome).toBeUndefined();
          } else {
            refused++;
            firstRefused ??= send;
            expect(outcome?.code).toBe(ErrorCode.NOT_ADMITTED);
            expect(outcome?.message).toBe(gate.explanation);
          }
        }
      }
    }
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThan(n);
    // A department retrying a refused report with its key is refused again, and counted once.
    expect((await firstRefused!())?.code).toBe(ErrorCode.NOT_ADMITTED);
    const [announced] = await world.query<{ n: number }>('dispatch', `SELECT count(*)::int AS n FROM outbox WHERE subject = $1`, [subjects.dispatch.push.refused.subject]);
    expect(announced!.n).toBe(refused + 1);
    const report = await waitFor('refusals in admission', async () => {
      const figures = await world.client.request(subjects.admission.report.burden, { areaCode: 'P', from: today(), to: today() });
      return figures.pushesRefused === refused ? figures : undefined;
    });
    expect(report.byChildArea.reduce((sum, area) => sum + area.pushesRefused, 0)).toBe(refused);
    expect(report.pushesRefusedByItem.reduce((sum, row) => sum + row.count, 0)).toBe(refused);
  });

  it('gates a department’s task routed to a grid by the rules, not only one pushed down', async () => {
    const housing = new GridworkClient(world.nc, { department: 'housing', timeoutMs: 5_000 });
    const grid = areas.find((a) => a.level === 'grid')!;
    // item-02 is carried out at the grid level only; find whether it is admitted in this grid today.
    const gate = await world.client.request(subjects.admission.gate.check, { itemCode: 'item-02', level: 'grid', areaCode: grid.code });
    await world.client.request(subjects.dispatch.category.define, {
      code: 'housing-grid',
      name: 'Housing tasks for grids',
      responsible: { kind: 'level', level: 'grid' },
      acceptHours: 4,
      completeHours: 48,
      hoursKind: 'calendar',
      admissionItem: 'item-02',
    });
    const report = (key: string, client: GridworkClient | undefined) =>
      errorOf(
        (client ?? world.client).request(subjects.dispatch.case.report, {
          idempotencyKey: key,
          channel: client ? 'department' : 'hotline-12345',
          categoryCode: 'housing-grid',
          description: 'Routed by the category to the grid',
          location: grid.centre,
        }),
      );
    const fromDepartment = await report('routed-1', housing);
    expect(fromDepartment?.code).toBe(gate.admitted ? undefined : ErrorCode.NOT_ADMITTED);
    // A resident's report of the same category is no department's task: never gated.
    expect(await report('routed-2', undefined)).toBeUndefined();
    expect(gate.admitted).toBe(false);
  });
});
