import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, subjects, type GridworkError } from '@gridwork/contracts';
import { today } from '@gridwork/local-time';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { admissionService } from '../src/admission.definition.js';
import { actor, errorOf, item, seedAreas } from './fixtures/world.js';

/**
 * Admission keeps the caller's scope itself: an area's admin (the gateway
 * sends `withinAreas` from their grants) keeps the lists and appoints the
 * reviewers of their own areas only, whatever reached the service.
 */
describe("admission keeps the caller's areas", () => {
  let world: TestWorld;
  const l = subjects.admission.list;
  const inD1 = { withinAreas: ['D1'] };
  const D2_LIST = { areaCode: 'D2', kind: 'admitted', level: 'community' } as const;
  const M1_LIST = { areaCode: 'M1', kind: 'admitted', level: 'community' } as const;
  const rows = async () =>
    (await world.query<{ n: string }>('admission', `SELECT (SELECT count(*) FROM list_version) + (SELECT count(*) FROM list_entry) + (SELECT count(*) FROM reviewer) + (SELECT count(*) FROM outbox) AS n`))[0]!.n;
  const forbidden = async (promise: Promise<unknown>, mentions: string) => {
    const error: GridworkError | undefined = await errorOf(promise);
    expect(error?.code, error?.message).toBe(ErrorCode.FORBIDDEN);
    expect(error!.message).toContain('D1');
    expect(error!.message).toContain(mentions);
  };

  beforeAll(async () => {
    world = await testWorld(['admission']);
    await world.start(admissionService, 'admission');
    await seedAreas(world);
    await world.client.request(subjects.admission.item.define, item('a-visits'));
    // A draft of D2's list, kept by the platform (no areas).
    await world.client.request(l.editDraft, { ...D2_LIST, put: [{ itemCode: 'a-visits' }], actor });
  });
  afterAll(() => world?.dispose());

  it("refuses another district's lists and reviewers, and changes nothing", async () => {
    const before = await rows();
    await forbidden(world.client.request(l.editDraft, { ...inD1, ...D2_LIST, put: [{ itemCode: 'a-visits', note: 'changed' }], actor }), "the list's area D2");
    await forbidden(world.client.request(l.publish, { ...inD1, ...D2_LIST, effectiveOn: today(), draftRevision: 1, actor }), 'D2');
    await forbidden(world.client.request(l.discardDraft, { ...inD1, ...D2_LIST, actor }), 'D2');
    await forbidden(world.client.request(subjects.admission.reviewer.appoint, { ...inD1, id: 'rev-x', name: 'Reviewer X', areaCode: 'M3', actor }), "the reviewer's area M3");
    expect(await rows()).toBe(before);
  });

  it('keeps the lists of areas inside its own, at any depth', async () => {
    const draft = await world.client.request(l.editDraft, { ...inD1, ...M1_LIST, put: [{ itemCode: 'a-visits' }], actor });
    expect(draft).toMatchObject({ state: 'draft', entryCount: 1 });
    const published = await world.client.request(l.publish, { ...inD1, ...M1_LIST, effectiveOn: today(), draftRevision: draft.revision, actor });
    expect(published.state).toBe('published');
    const reviewer = await world.client.request(subjects.admission.reviewer.appoint, { ...inD1, id: 'rev-m2', name: 'Reviewer M2', areaCode: 'M2', actor });
    expect(reviewer.areaCode).toBe('M2');
  });

  it('answers NOT_FOUND for an area it does not know, and checks nothing for the platform', async () => {
    expect((await errorOf(world.client.request(l.editDraft, { ...inD1, areaCode: 'X9', kind: 'negative', put: [{ itemCode: 'a-visits' }], actor })))?.code).toBe(ErrorCode.NOT_FOUND);
    const { versions } = await world.client.request(l.discardDraft, { ...D2_LIST, actor });
    expect(versions.filter((v) => v.state === 'draft')).toEqual([]);
  });
});
