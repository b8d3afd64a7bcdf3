import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GridworkError, subjects, type DefineCategoryRequest } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { dispatchService } from '../src/dispatch.definition.js';

const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as GridworkError);
const fieldsOf = (error: GridworkError | undefined) => error?.details?.map((detail) => detail.field).sort();

const POTHOLE: DefineCategoryRequest = {
  code: 'roads',
  name: 'Roads',
  responsible: { kind: 'department', department: 'housing' },
  acceptHours: 2,
  completeHours: 48,
  hoursKind: 'calendar',
  attributes: [
    { code: 'depth', description: 'How deep is it?', datatype: 'singlevaluelist', required: true, order: 1, values: [{ key: 'shallow', name: 'Under 5 cm' }, { key: 'deep', name: '5 cm or more' }] },
    { code: 'width_cm', description: 'About how wide, in cm?', datatype: 'number', required: false, order: 3 },
    { code: 'seen_at', description: 'When did you see it?', datatype: 'datetime', required: false, order: 2 },
    { code: 'hazards', description: 'What else is there?', datatype: 'multivaluelist', required: false, order: 4, values: [{ key: 'water', name: 'Standing water' }, { key: 'traffic', name: 'Heavy traffic' }] },
    { code: 'notes', description: 'Anything else', datatype: 'text', required: false, order: 5 },
  ],
};

/**
 * Category attributes over NATS, as an admin defines them and a channel
 * reports against them: the answers are checked against the category,
 * each wrong one named, and kept on the case as checked.
 */
describe('dispatch category attributes', () => {
  let world: TestWorld;
  let n = 0;
  const report = (categoryCode: string, attributes?: Record<string, unknown>) =>
    world.client.request(subjects.dispatch.case.report, {
      idempotencyKey: `attributes-${++n}`,
      channel: 'open311',
      categoryCode,
      description: 'A pothole',
      address: 'No. 3 Middle School',
      ...(attributes ? { attributes: attributes as Record<string, string> } : {}),
    });
  const cases = async () => (await world.query<{ n: number }>('dispatch', `SELECT count(*)::int AS n FROM "case"`))[0]!.n;

  beforeAll(async () => {
    world = await testWorld(['dispatch']);
    await world.start(dispatchService, 'dispatch');
  });
  afterAll(() => world?.dispose());

  it('keeps a category’s attributes in order, and names each wrong one', async () => {
    const defined = await world.client.request(subjects.dispatch.category.define, POTHOLE);
    expect(defined.attributes!.map((attribute) => attribute.code)).toEqual(['depth', 'seen_at', 'width_cm', 'hazards', 'notes']);
    expect((await world.client.request(subjects.dispatch.category.get, { code: 'roads' })).attributes).toEqual(defined.attributes);

    const bad = await errorOf(
      world.client.request(subjects.dispatch.category.define, {
        ...POTHOLE,
        code: 'roads.bad',
        attributes: [
          { code: 'depth', description: 'x', datatype: 'singlevaluelist', required: true, order: 1 },
          { code: 'depth', description: 'y', datatype: 'string', required: false, order: 2, values: [{ key: 'a', name: 'A' }] },
          { code: 'Bad Code', description: '', datatype: 'colour' as never, required: 'yes' as never, order: 0 },
        ],
      }),
    );
    expect(bad?.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(bad)).toEqual(['attributes[2].code', 'attributes[2].datatype', 'attributes[2].description', 'attributes[2].order', 'attributes[2].required']);
    const shape = await errorOf(
      world.client.request(subjects.dispatch.category.define, {
        ...POTHOLE,
        code: 'roads.bad',
        attributes: [
          { code: 'depth', description: 'x', datatype: 'singlevaluelist', required: true, order: 1 },
          { code: 'depth', description: 'y', datatype: 'string', required: false, order: 2, values: [{ key: 'a', name: 'A' }] },
        ],
      }),
    );
    expect(fieldsOf(shape)).toEqual(['attributes[0].values', 'attributes[1].code', 'attributes[1].values']);
    expect((await world.query('dispatch', `SELECT 1 FROM category WHERE code = 'roads.bad'`)).length).toBe(0);
  });

  it('keeps a report’s checked answers on the case: numbers as numbers, datetimes as instants, lists as keys', async () => {
    const { case: reported } = await report('roads', { depth: 'deep', width_cm: '40', seen_at: '2026-12-07T08:30:00+08:00', hazards: ['water', 'traffic'] });
    expect(reported.attributes).toEqual({ depth: 'deep', width_cm: 40, seen_at: '2026-12-07T00:30:00.000Z', hazards: ['water', 'traffic'] });
    const read = await world.client.request(subjects.dispatch.case.get, { idOrNumber: reported.number });
    expect(read.attributes).toEqual(reported.attributes);
    // Optional ones may be left out.
    expect((await report('roads', { depth: 'shallow' })).case.attributes).toEqual({ depth: 'shallow' });
  });

  it('refuses answers that do not fit, naming each, and stores nothing', async () => {
    const before = await cases();
    const wrong = await errorOf(report('roads', { width_cm: 'wide', seen_at: 'yesterday', hazards: ['water', 'fire'], colour: 'red' }));
    expect(wrong?.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(wrong)).toEqual(['attributes.colour', 'attributes.depth', 'attributes.hazards', 'attributes.seen_at', 'attributes.width_cm']);
    expect(wrong?.details?.find((detail) => detail.field === 'attributes.depth')?.messages).toEqual(['depth is required: How deep is it?']);
    expect(wrong?.details?.find((detail) => detail.field === 'attributes.hazards')?.messages[0]).toMatch(/water, traffic/);
    expect(fieldsOf(await errorOf(report('roads', { depth: 'bottomless' })))).toEqual(['attributes.depth']);
    expect(fieldsOf(await errorOf(report('roads')))).toEqual(['attributes.depth']);

    await world.client.request(subjects.dispatch.category.define, { ...POTHOLE, code: 'parks', name: 'Parks', attributes: undefined });
    const none = await errorOf(report('parks', { depth: 'deep' }));
    expect(none?.details).toEqual([{ field: 'attributes.depth', messages: ['the category has no attributes'] }]);
    expect(await cases()).toBe(before);
    expect((await report('parks')).case.attributes).toBeUndefined();
  });
});
