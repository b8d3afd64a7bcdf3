import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, subjects, type ListKey } from '@gridwork/contracts';
import { today } from '@gridwork/local-time';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { admissionService } from '../src/admission.definition.js';
import { actor, day, errorOf, fieldsOf, item, seedAreas } from './fixtures/world.js';

/** Lists over NATS: drafts, publishing with an effective day, versions in force, comparing, and atomic publishing. */
describe('lists', () => {
  let world: TestWorld;
  const D1_COMMUNITY: ListKey = { areaCode: 'D1', kind: 'admitted', level: 'community' };
  const entries = async () => (await world.query<{ n: number }>('admission', `SELECT count(*)::int AS n FROM list_entry`))[0]!.n;

  beforeAll(async () => {
    world = await testWorld(['admission']);
    await world.start(admissionService, 'admission');
    await seedAreas(world);
    for (const code of ['a-visits', 'b-census', 'c-publicity', 'd-mediation']) await world.client.request(subjects.admission.item.define, item(code));
    await world.client.request(subjects.admission.item.define, item('g-only', { levels: ['grid'] }));
  });
  afterAll(() => world?.dispose());

  it('opens a draft, edits it by revisions, and publishes it as version 1 in force from today', async () => {
    const draft = await world.client.request(subjects.admission.list.editDraft, {
      ...D1_COMMUNITY,
      put: [{ itemCode: 'a-visits' }, { itemCode: 'b-census', note: 'yearly' }],
      actor,
    });
    expect(draft).toMatchObject({ state: 'draft', number: 1, revision: 2, entryCount: 2 });
    const edited = await world.client.request(subjects.admission.list.editDraft, { ...D1_COMMUNITY, put: [{ itemCode: 'c-publicity' }], remove: ['b-census'], actor });
    expect(edited.entries.map((e) => e.itemCode)).toEqual(['a-visits', 'c-publicity']);
    expect(edited.revision).toBe(3);
    // Nothing is in force before publishing.
    expect((await errorOf(world.client.request(subjects.admission.list.get, D1_COMMUNITY)))?.code).toBe(ErrorCode.NOT_FOUND);
    const stale = await errorOf(world.client.request(subjects.admission.list.publish, { ...D1_COMMUNITY, effectiveOn: today(), draftRevision: 2, actor }));
    expect(stale?.code).toBe(ErrorCode.CONFLICT);
    const published = await world.client.request(subjects.admission.list.publish, { ...D1_COMMUNITY, effectiveOn: today(), draftRevision: 3, actor });
    expect(published).toMatchObject({ state: 'published', number: 1, effectiveOn: today(), publishedBy: actor.id, entryCount: 2 });
    expect(await world.client.request(subjects.admission.list.get, D1_COMMUNITY)).toEqual(published);
    const [event] = await world.query<{ payload: { entries: unknown[]; areaPath: string[]; removed: string[] } }>(
      'admission',
      `SELECT payload FROM outbox WHERE subject = $1`,
      [subjects.admission.list.published.subject],
    );
    expect(event!.payload).toMatchObject({ areaCode: 'D1', areaPath: ['C', 'D1'], kind: 'admitted', level: 'community', number: 1, removed: [] });
    expect(event!.payload.entries).toEqual([
      { itemCode: 'a-visits', admitted: true },
      { itemCode: 'c-publicity', admitted: true },
    ]);
  });

  it('keeps versions: a future one, the one in force on any day, and what changed between them', async () => {
    await world.client.request(subjects.admission.list.editDraft, { ...D1_COMMUNITY, put: [{ itemCode: 'd-mediation' }, { itemCode: 'a-visits', note: 'monthly' }], remove: ['c-publicity'], actor });
    const early = await errorOf(world.client.request(subjects.admission.list.publish, { ...D1_COMMUNITY, effectiveOn: day(-1), actor }));
    expect(fieldsOf(early)).toEqual(['effectiveOn']);
    const v2 = await world.client.request(subjects.admission.list.publish, { ...D1_COMMUNITY, effectiveOn: day(10), actor });
    expect(v2).toMatchObject({ number: 2, effectiveOn: day(10) });
    // Version 1 stays in force until version 2's day.
    expect((await world.client.request(subjects.admission.list.get, { ...D1_COMMUNITY, on: day(9) })).number).toBe(1);
    expect((await world.client.request(subjects.admission.list.get, { ...D1_COMMUNITY, on: day(10) })).number).toBe(2);
    expect((await errorOf(world.client.request(subjects.admission.list.get, { ...D1_COMMUNITY, on: day(-1) })))?.code).toBe(ErrorCode.NOT_FOUND);
    // A later version may not come into force before the last one.
    await world.client.request(subjects.admission.list.editDraft, { ...D1_COMMUNITY, put: [{ itemCode: 'b-census' }], actor });
    const backwards = await errorOf(world.client.request(subjects.admission.list.publish, { ...D1_COMMUNITY, effectiveOn: day(5), actor }));
    expect(backwards?.details?.[0]?.messages[0]).toMatch(/must not be before .*version 2 comes into force/);
    const versions = await world.client.request(subjects.admission.list.versions, D1_COMMUNITY);
    expect(versions.versions.map((v) => [v.number, v.state])).toEqual([
      [3, 'draft'],
      [2, 'published'],
      [1, 'published'],
    ]);
    const diff = await world.client.request(subjects.admission.list.compare, { ...D1_COMMUNITY, from: 1, to: 2 });
    expect(diff.added.map((e) => e.itemCode)).toEqual(['d-mediation']);
    expect(diff.removed.map((e) => e.itemCode)).toEqual(['c-publicity']);
    expect(diff.changed).toEqual([{ itemCode: 'a-visits', before: { itemCode: 'a-visits', itemName: 'Item a-visits', admitted: true }, after: expect.objectContaining({ note: 'monthly' }) }]);
    const discarded = await world.client.request(subjects.admission.list.discardDraft, { ...D1_COMMUNITY, actor });
    expect(discarded.versions.map((v) => v.number)).toEqual([2, 1]);
  });

  it('refuses bad edits naming each one, and changes nothing', async () => {
    const before = await entries();
    const bad = await errorOf(
      world.client.request(subjects.admission.list.editDraft, {
        ...D1_COMMUNITY,
        put: [{ itemCode: 'no-such-item' }, { itemCode: 'g-only' }, { itemCode: 'a-visits' }, { itemCode: 'a-visits' }],
        remove: ['b-census', 'a-visits'],
        actor,
      }),
    );
    expect(bad?.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(fieldsOf(bad)).toEqual(['put[0].itemCode', 'put[1].itemCode', 'put[3].itemCode', 'remove[0]', 'remove[1]']);
    expect(bad?.details?.find((d) => d.field === 'put[1].itemCode')?.messages[0]).toMatch(/only at the grid level, not at the community level/);
    const negative = await errorOf(world.client.request(subjects.admission.list.editDraft, { areaCode: 'C', kind: 'negative', put: [{ itemCode: 'a-visits', admitted: true }], actor }));
    expect(fieldsOf(negative)).toEqual(['put[0].admitted']);
    const shape = await errorOf(world.client.request(subjects.admission.list.editDraft, { areaCode: 'C', kind: 'negative', level: 'grid', actor } as never));
    expect(fieldsOf(shape)).toEqual(['level']);
    const noLevel = await errorOf(world.client.request(subjects.admission.list.editDraft, { areaCode: 'C', kind: 'admitted', actor }));
    expect(fieldsOf(noLevel)).toEqual(['level']);
    const grid = await errorOf(world.client.request(subjects.admission.list.editDraft, { areaCode: 'G11', kind: 'admitted', level: 'community', actor }));
    expect(fieldsOf(grid)).toEqual(['areaCode']);
    const unknown = await errorOf(world.client.request(subjects.admission.list.editDraft, { areaCode: 'NOWHERE', kind: 'admitted', level: 'community', actor }));
    expect(unknown?.code).toBe(ErrorCode.NOT_FOUND);
    expect(await entries()).toBe(before);
    expect((await world.query<{ n: number }>('admission', `SELECT count(*)::int AS n FROM list WHERE area_code IN ('NOWHERE', 'G11')`))[0]!.n).toBe(0);
  });

  it('publishes atomically: a reader in a loop sees the old version or the new, never a mix', async () => {
    const key: ListKey = { areaCode: 'M2', kind: 'admitted', level: 'grid' };
    const oldCodes = ['a-visits', 'b-census'];
    const newCodes = ['c-publicity', 'd-mediation', 'g-only'];
    await world.client.request(subjects.admission.list.editDraft, { ...key, put: oldCodes.map((itemCode) => ({ itemCode })), actor });
    await world.client.request(subjects.admission.list.publish, { ...key, effectiveOn: today(), actor });
    await world.client.request(subjects.admission.list.editDraft, { ...key, remove: oldCodes, put: newCodes.map((itemCode) => ({ itemCode })), actor });
    const ask = () =>
      world.client.request(subjects.admission.gate.checkBatch, { asks: [...oldCodes, ...newCodes].map((itemCode) => ({ itemCode, level: 'grid' as const, areaCode: 'G21' })) });
    const seen = new Set<string>();
    let stop = false;
    const readers = Array.from({ length: 4 }, async () => {
      while (!stop) {
        const { answers } = await ask();
        seen.add(answers.map((a) => `${a.itemCode}:${a.admitted ? 'in' : 'out'}:${a.decidedBy?.number ?? '-'}`).join(' '));
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await world.client.request(subjects.admission.list.publish, { ...key, effectiveOn: today(), actor });
    await new Promise((resolve) => setTimeout(resolve, 100));
    stop = true;
    await Promise.all(readers);
    const before = 'a-visits:in:1 b-census:in:1 c-publicity:out:- d-mediation:out:- g-only:out:-';
    const after = 'a-visits:out:- b-census:out:- c-publicity:in:2 d-mediation:in:2 g-only:in:2';
    expect([...seen].sort()).toEqual([before, after]);
  });
});
