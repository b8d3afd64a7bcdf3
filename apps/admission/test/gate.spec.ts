import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, subjects, type GateAsk, type ListKey } from '@gridwork/contracts';
import { GridworkClient } from '@gridwork/client';
import { today } from '@gridwork/local-time';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { admissionService } from '../src/admission.definition.js';
import { actor, day, errorOf, fieldsOf, item, seedAreas } from './fixtures/world.js';

/**
 * The gate over NATS, as a department system asks it: inheritance down the
 * area tree, an area's own entry overriding, the negative list above all,
 * versions not yet in force, withdrawn and unknown items and areas.
 */
describe('the gate', () => {
  let world: TestWorld;
  const publish = async (key: ListKey, put: { itemCode: string; admitted?: boolean }[], effectiveOn = today()) => {
    await world.client.request(subjects.admission.list.editDraft, { ...key, put, actor });
    return world.client.request(subjects.admission.list.publish, { ...key, effectiveOn, actor });
  };
  const check = (ask: GateAsk) => world.client.request(subjects.admission.gate.check, ask);

  beforeAll(async () => {
    world = await testWorld(['admission']);
    await world.start(admissionService, 'admission');
    await seedAreas(world);
    for (const code of ['visits', 'census', 'mediation', 'banned', 'later', 'retiring']) await world.client.request(subjects.admission.item.define, item(code));
    // The city admits visits and census for communities; D1 excludes census; M1 admits mediation itself.
    await publish({ areaCode: 'C', kind: 'admitted', level: 'community' }, [{ itemCode: 'visits' }, { itemCode: 'census' }, { itemCode: 'banned' }, { itemCode: 'retiring' }]);
    await publish({ areaCode: 'D1', kind: 'admitted', level: 'community' }, [{ itemCode: 'census', admitted: false }]);
    await publish({ areaCode: 'M1', kind: 'admitted', level: 'community' }, [{ itemCode: 'mediation' }]);
    // D2's negative list bans `banned` below it, whatever the city's list says.
    await publish({ areaCode: 'D2', kind: 'negative' }, [{ itemCode: 'banned' }]);
    // T1 admits `later` from five days on.
    await publish({ areaCode: 'T1', kind: 'admitted', level: 'community' }, [{ itemCode: 'later' }], day(5));
    await world.client.request(subjects.admission.item.withdraw, { code: 'retiring', on: day(2), reason: 'ends', actor });
  });
  afterAll(() => world?.dispose());

  it('admits what a list above the area holds, naming the version that decided', async () => {
    const answer = await check({ itemCode: 'visits', level: 'community', areaCode: 'M3' });
    expect(answer).toMatchObject({ admitted: true, on: today(), itemName: 'Item visits', decidedBy: { areaCode: 'C', kind: 'admitted', level: 'community', number: 1, effectiveOn: today() } });
    expect(answer.reason).toBeUndefined();
    expect(answer.explanation).toMatch(/admitted by the community list of C \(version 1/);
  });

  it("lets an area's own entry override the lists above it, both ways", async () => {
    expect(await check({ itemCode: 'census', level: 'community', areaCode: 'M3' })).toMatchObject({ admitted: true });
    expect(await check({ itemCode: 'census', level: 'community', areaCode: 'M1' })).toMatchObject({ admitted: false, reason: 'excluded', decidedBy: { areaCode: 'D1' } });
    expect(await check({ itemCode: 'mediation', level: 'community', areaCode: 'M1' })).toMatchObject({ admitted: true, decidedBy: { areaCode: 'M1' } });
    expect(await check({ itemCode: 'mediation', level: 'community', areaCode: 'M2' })).toMatchObject({ admitted: false, reason: 'absent' });
    // The grid level has lists of its own: nothing admits visits there.
    expect(await check({ itemCode: 'visits', level: 'grid', areaCode: 'G11' })).toMatchObject({ admitted: false, reason: 'absent' });
  });

  it('puts the negative list above every admitted list, below its own area only', async () => {
    const banned = await check({ itemCode: 'banned', level: 'community', areaCode: 'M3' });
    expect(banned).toMatchObject({ admitted: false, reason: 'negative-list', decidedBy: { areaCode: 'D2', kind: 'negative', number: 1 } });
    expect(banned.explanation).toMatch(/on the negative list of D2/);
    expect(await check({ itemCode: 'banned', level: 'community', areaCode: 'M1' })).toMatchObject({ admitted: true });
  });

  it('answers for any day: a version not yet in force, and a day before a list came into force', async () => {
    expect(await check({ itemCode: 'later', level: 'community', areaCode: 'M2' })).toMatchObject({ admitted: false, reason: 'not-yet-in-force', admittedFrom: day(5), decidedBy: { areaCode: 'T1' } });
    expect(await check({ itemCode: 'later', level: 'community', areaCode: 'M2', on: day(5) })).toMatchObject({ admitted: true });
    // The day before the city's list came into force, it was published for the next day already.
    expect(await check({ itemCode: 'visits', level: 'community', areaCode: 'M2', on: day(-1) })).toMatchObject({ admitted: false, reason: 'not-yet-in-force', admittedFrom: today() });
    expect(await check({ itemCode: 'mediation', level: 'community', areaCode: 'M1', on: day(-1) })).toMatchObject({ admitted: false, reason: 'not-yet-in-force' });
  });

  it('refuses a withdrawn item from its day, and says when item or area is unknown', async () => {
    expect(await check({ itemCode: 'retiring', level: 'community', areaCode: 'M2', on: day(1) })).toMatchObject({ admitted: true });
    expect(await check({ itemCode: 'retiring', level: 'community', areaCode: 'M2', on: day(2) })).toMatchObject({ admitted: false, reason: 'withdrawn' });
    expect(await check({ itemCode: 'nothing', level: 'community', areaCode: 'M2' })).toMatchObject({ admitted: false, reason: 'unknown-item' });
    expect(await check({ itemCode: 'visits', level: 'community', areaCode: 'ATLANTIS' })).toMatchObject({ admitted: false, reason: 'unknown-area' });
  });

  it('answers a batch in the order asked, and refuses a bad one naming each field', async () => {
    const asks: GateAsk[] = [
      { itemCode: 'banned', level: 'community', areaCode: 'M3' },
      { itemCode: 'visits', level: 'community', areaCode: 'M1' },
      { itemCode: 'later', level: 'community', areaCode: 'M1', on: day(6) },
    ];
    const { answers } = await world.client.request(subjects.admission.gate.checkBatch, { asks });
    expect(answers.map((a) => [a.itemCode, a.areaCode, a.admitted])).toEqual([
      ['banned', 'M3', false],
      ['visits', 'M1', true],
      ['later', 'M1', true],
    ]);
    const bad = await errorOf(world.client.request(subjects.admission.gate.checkBatch, { asks: [{ itemCode: 'Bad Code', level: 'township' as never, areaCode: '', on: '2026-02-30' }] }));
    expect(bad?.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(fieldsOf(bad)).toEqual(['asks[0].areaCode', 'asks[0].itemCode', 'asks[0].level', 'asks[0].on']);
    expect(fieldsOf(await errorOf(world.client.request(subjects.admission.gate.checkBatch, { asks: [] })))).toEqual(['asks']);
  });

  it('answers a department system on its own subject', async () => {
    const housing = new GridworkClient(world.nc, { department: 'housing', timeoutMs: 5_000 });
    expect(await housing.request(subjects.admission.gate.check, { itemCode: 'visits', level: 'community', areaCode: 'M2' })).toMatchObject({ admitted: true });
  });
});
