import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, subjects } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { admissionService } from '../src/admission.definition.js';
import { actor, day, errorOf, fieldsOf, item, seedAreas } from './fixtures/world.js';

/** The item catalogue over NATS: defining, updating, listing, withdrawing; refusals that change nothing. */
describe('items', () => {
  let world: TestWorld;
  const count = async () => (await world.query<{ n: number }>('admission', `SELECT count(*)::int AS n FROM item`))[0]!.n;
  const outbox = async () => (await world.query<{ n: number }>('admission', `SELECT count(*)::int AS n FROM outbox`))[0]!.n;

  beforeAll(async () => {
    world = await testWorld(['admission']);
    await world.start(admissionService, 'admission');
    await seedAreas(world);
  });
  afterAll(() => world?.dispose());

  it('defines an item, then updates it in place, announcing both', async () => {
    const created = await world.client.request(subjects.admission.item.define, item('safety-patrol', { kind: 'grid', gridItemType: 'safety-patrol', name: 'Safety patrol' }));
    expect(created.created).toBe(true);
    expect(created.item).toMatchObject({ code: 'safety-patrol', kind: 'grid', gridItemType: 'safety-patrol', levels: ['community', 'grid'], department: 'civil-affairs' });
    const updated = await world.client.request(subjects.admission.item.define, item('safety-patrol', { kind: 'grid', gridItemType: 'safety-patrol', name: 'Safety patrol (night)', levels: ['grid'] }));
    expect(updated).toMatchObject({ created: false, item: { name: 'Safety patrol (night)', levels: ['grid'] } });
    expect(await world.client.request(subjects.admission.item.get, { code: 'safety-patrol' })).toEqual(updated.item);
    const events = await world.query<{ change: string }>('admission', `SELECT payload->>'change' AS change FROM outbox WHERE subject = $1 ORDER BY created_at`, [
      subjects.admission.item.changed.subject,
    ]);
    expect(events.map((e) => e.change)).toEqual(['defined', 'updated']);
    expect(subjects.admission.item.changed.subject).toBe('gov.evt.admission.item.changed.v2');
  });

  it('refuses a bad item naming every wrong field, and stores nothing', async () => {
    const [items, events] = [await count(), await outbox()];
    const bad = await errorOf(
      world.client.request(subjects.admission.item.define, {
        code: 'Not A Code',
        name: '',
        department: 'X',
        legalBasis: '',
        kind: 'chore' as never,
        levels: ['township' as never],
        actor,
      }),
    );
    expect(bad?.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(fieldsOf(bad)).toEqual(['code', 'department', 'kind', 'legalBasis', 'levels', 'name']);
    // A grid item needs its type; another kind must not have one.
    const noType = await errorOf(world.client.request(subjects.admission.item.define, item('info-collection', { kind: 'grid' })));
    expect(fieldsOf(noType)).toEqual(['gridItemType']);
    const strayType = await errorOf(world.client.request(subjects.admission.item.define, item('info-collection', { gridItemType: 'policy-publicity' })));
    expect(fieldsOf(strayType)).toEqual(['gridItemType']);
    expect([await count(), await outbox()]).toEqual([items, events]);
  });

  it('lists by code with filters and pages', async () => {
    for (const code of ['cert-residence', 'cert-poverty', 'plate-elderly']) {
      await world.client.request(subjects.admission.item.define, item(code, { kind: code.startsWith('cert') ? 'certificate' : 'nameplate', department: 'justice' }));
    }
    const first = await world.client.request(subjects.admission.item.list, { department: 'justice', limit: 2 });
    expect(first.items.map((i) => i.code)).toEqual(['cert-poverty', 'cert-residence']);
    const rest = await world.client.request(subjects.admission.item.list, { department: 'justice', after: first.nextAfter });
    expect(rest.items.map((i) => i.code)).toEqual(['plate-elderly']);
    expect(rest.nextAfter).toBeUndefined();
    const certificates = await world.client.request(subjects.admission.item.list, { kind: 'certificate' });
    expect(certificates.items.map((i) => i.code)).toEqual(['cert-poverty', 'cert-residence']);
  });

  it('will not stop an item being carried out at a level while a list admits it there', async () => {
    await world.client.request(subjects.admission.item.define, item('elder-visits'));
    await world.client.request(subjects.admission.list.editDraft, { areaCode: 'D1', kind: 'admitted', level: 'grid', put: [{ itemCode: 'elder-visits' }], actor });
    const refused = await errorOf(world.client.request(subjects.admission.item.define, item('elder-visits', { levels: ['community'] })));
    expect(refused?.code).toBe(ErrorCode.CONFLICT);
    expect(refused?.message).toMatch(/the grid list of D1 \(draft 1\)/);
    expect((await world.client.request(subjects.admission.item.get, { code: 'elder-visits' })).levels).toEqual(['community', 'grid']);
  });

  it('withdraws an item from a day on, once, and then keeps it as it was', async () => {
    const past = await errorOf(world.client.request(subjects.admission.item.withdraw, { code: 'cert-poverty', on: day(-1), reason: 'abolished', actor }));
    expect(fieldsOf(past)).toEqual(['on']);
    const withdrawn = await world.client.request(subjects.admission.item.withdraw, { code: 'cert-poverty', on: day(3), reason: 'abolished by the 2026 clean-up', actor });
    expect(withdrawn).toMatchObject({ withdrawnOn: day(3), withdrawalReason: 'abolished by the 2026 clean-up' });
    expect((await errorOf(world.client.request(subjects.admission.item.withdraw, { code: 'cert-poverty', reason: 'again', actor })))?.code).toBe(ErrorCode.CONFLICT);
    expect((await errorOf(world.client.request(subjects.admission.item.define, item('cert-poverty', { kind: 'certificate' }))))?.code).toBe(ErrorCode.CONFLICT);
    expect((await errorOf(world.client.request(subjects.admission.item.withdraw, { code: 'no-such-item', reason: 'x', actor })))?.code).toBe(ErrorCode.NOT_FOUND);
    // Withdrawn items leave the default list.
    const listed = await world.client.request(subjects.admission.item.list, { department: 'justice' });
    expect(listed.items.map((i) => i.code)).toEqual(['cert-residence', 'plate-elderly']);
    const all = await world.client.request(subjects.admission.item.list, { department: 'justice', withdrawn: true });
    expect(all.items.map((i) => i.code)).toEqual(['cert-poverty', 'cert-residence', 'plate-elderly']);
  });
});
