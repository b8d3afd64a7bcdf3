import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, GridworkError, subjects, type BaseRecordDetail } from '@gridwork/contracts';
import { GridworkClient } from '@gridwork/client';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { gridService } from '../src/grid.definition.js';

const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as GridworkError);
const fieldsOf = (error: GridworkError | undefined) => error?.details?.map((d) => d.field).sort();

/** A valid 18-character ID number (GB 11643 check character) for a birth date and sequence. */
function idNumber(birth: string, sequence: number): string {
  const body = `110105${birth.replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((total, weight, i) => total + weight * Number(body[i]), 0);
  return body + '10X98765432'[sum % 11];
}

const worker = { id: '0190a000-0000-7000-8000-000000000001', name: 'Li Na' };
const supervisor = { id: 'sup-7', name: 'Wang Qiang' };

/** Base information (人、地、事、物、组织): typed records with validated attributes, history, archive, lists and counts. */
describe('base information', () => {
  let world: TestWorld;
  const outbox = (subject: string) =>
    world.query<{ payload: Record<string, unknown> }>('grid', `SELECT payload FROM outbox WHERE subject = $1 ORDER BY seq`, [subject]);
  const rows = async () => (await world.query<{ n: number }>('grid', `SELECT count(*)::int AS n FROM base_record`))[0]!.n;
  const register = (request: Record<string, unknown>) =>
    world.client.request(subjects.grid.baseRecord.register, { gridCode: 'G1', actor: worker, ...request } as never);

  beforeAll(async () => {
    world = await testWorld(['grid']);
    await world.start(gridService, 'grid');
    // Another module's data, seeded directly: city → district → township → community → three grids, G3 retired.
    await world.query(
      'grid',
      `INSERT INTO area (code, name, level, parent_code, path, retired_at) VALUES
         ('C1', 'City', 'city', NULL, '{C1}', NULL),
         ('D1', 'District', 'district', 'C1', '{C1,D1}', NULL),
         ('T1', 'Township', 'township', 'D1', '{C1,D1,T1}', NULL),
         ('M1', 'Community', 'community', 'T1', '{C1,D1,T1,M1}', NULL),
         ('G1', 'Grid one', 'grid', 'M1', '{C1,D1,T1,M1,G1}', NULL),
         ('G2', 'Grid two', 'grid', 'M1', '{C1,D1,T1,M1,G2}', NULL),
         ('G3', 'Grid three', 'grid', 'M1', '{C1,D1,T1,M1,G3}', now())`,
    );
    await world.query(
      'grid',
      `INSERT INTO grid (code, community_code, population, households, area_square_metres)
       SELECT code, 'M1', 1000, 400, 250000 FROM area WHERE level = 'grid'`,
    );
  });
  afterAll(() => world?.dispose());

  it('lists the type catalogue with each type’s JSON Schema, all or by kind', async () => {
    const all = await world.client.request(subjects.grid.baseRecord.types, {});
    expect(all.items.map((t) => `${t.kind}/${t.type}`)).toEqual([
      'person/resident',
      'person/floating-population',
      'person/elderly-living-alone',
      'person/special-care',
      'place/building',
      'place/shop',
      'place/rental-housing',
      'place/public-place',
      'thing/fire-hydrant',
      'thing/manhole',
      'thing/cctv',
      'thing/street-lamp',
      'matter/dispute',
      'matter/safety-hazard',
      'matter/livelihood-request',
      'organization/enterprise',
      'organization/non-public-enterprise',
      'organization/social-organization',
    ]);
    const elderly = all.items.find((t) => t.type === 'elderly-living-alone')!;
    expect(elderly).toMatchObject({ label: '独居老人', sensitiveAttributes: ['phone', 'emergencyContact.phone'] });
    expect(elderly.schema).toMatchObject({ type: 'object', additionalProperties: false, required: ['gender', 'birthDate', 'emergencyContact'] });
    const things = await world.client.request(subjects.grid.baseRecord.types, { kind: 'thing' });
    expect(things.items.map((t) => t.type)).toEqual(['fire-hydrant', 'manhole', 'cctv', 'street-lamp']);
  });

  let resident: BaseRecordDetail;
  const residentId = idNumber('1950-03-07', 12);

  it('registers a person with a whole ID number in the reply, history and a registered event without sensitive fields', async () => {
    resident = await register({
      type: 'resident',
      name: 'Zhang Wei',
      idNumber: residentId.toLowerCase(),
      location: [116.4, 39.9],
      attributes: { gender: 'male', birthDate: '1950-03-07', phone: '13812345678', address: 'Building 3, Room 402' },
    });
    expect(resident).toMatchObject({
      kind: 'person',
      type: 'resident',
      gridCode: 'G1',
      idNumber: residentId,
      idNumberMasked: `110${'*'.repeat(11)}${residentId.slice(-4)}`,
      location: [116.4, 39.9],
      version: 1,
      registeredBy: worker,
      updatedBy: worker,
    });
    expect(resident.history).toHaveLength(1);
    expect(resident.history[0]).toMatchObject({ version: 1, change: 'registered', actor: worker });
    expect(resident.history[0]!.changes).toEqual(
      expect.arrayContaining([
        { field: 'name', to: 'Zhang Wei' },
        { field: 'idNumber', to: resident.idNumberMasked },
        { field: 'attributes.gender', to: 'male' },
        { field: 'attributes.phone', to: '138****5678' },
      ]),
    );
    const [event] = await outbox('gov.evt.grid.base-record.registered');
    expect(event!.payload).toMatchObject({ record: { id: resident.id, kind: 'person', type: 'resident', gridCode: 'G1', version: 1 }, actor: worker });
    const text = JSON.stringify(event!.payload);
    expect(text).not.toContain(residentId);
    expect(text).not.toContain('13812345678');
    expect(text).not.toContain('idNumber');
  });

  it('refuses an invalid attribute bag naming every wrong attribute, and stores nothing', async () => {
    const before = await rows();
    const events = (await outbox('gov.evt.grid.base-record.registered')).length;
    const error = await errorOf(
      register({
        type: 'elderly-living-alone',
        name: 'Liu Fang',
        attributes: { birthDate: '1940-02-30', shoeSize: 38, health: 'great', emergencyContact: { name: 'Liu Min', phone: 'call me' }, visitEveryDays: 0 },
      }),
    );
    expect(error?.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(fieldsOf(error)).toEqual([
      'attributes.birthDate',
      'attributes.emergencyContact.phone',
      'attributes.gender',
      'attributes.health',
      'attributes.shoeSize',
      'attributes.visitEveryDays',
    ]);
    const messages = Object.fromEntries(error!.details!.map((d) => [d.field, d.messages.join('; ')]));
    expect(messages['attributes.gender']).toBe('is required');
    expect(messages['attributes.shoeSize']).toMatch(/not an attribute of elderly-living-alone/);
    expect(messages['attributes.health']).toBe('must be one of: independent, partly-dependent, dependent');
    expect(messages['attributes.birthDate']).toBe('must be a date YYYY-MM-DD');
    expect(await rows()).toBe(before);
    expect((await outbox('gov.evt.grid.base-record.registered')).length).toBe(events);
  });

  it('refuses an ID number with a bad check character, birth date or length, each in its own words, and an ID number on a thing', async () => {
    const idError = async (idNumber: string) => {
      const error = await errorOf(register({ type: 'resident', name: 'X', idNumber, attributes: { gender: 'female' } }));
      expect(fieldsOf(error)).toEqual(['idNumber']);
      return error!.details![0]!.messages;
    };
    const mistyped = residentId.slice(0, 17) + (residentId.endsWith('0') ? '1' : '0');
    expect(await idError(mistyped)).toEqual(['idNumber has a check character (the 18th) that does not match the first 17: a character is mistyped']);
    // February 30th, with the check character right for it.
    expect(await idError(idNumber('1950-02-30', 12))).toEqual(['idNumber has no real birth date in characters 7 to 14 (YYYYMMDD)']);
    expect(await idError(residentId.slice(0, 15))).toEqual(['idNumber must be 18 characters long, not 15']);
    expect(await idError(`${residentId.slice(0, 16)}AB`)).toEqual(['idNumber must be 17 digits followed by a digit or X']);
    const onThing = await errorOf(register({ type: 'fire-hydrant', name: 'H-1', idNumber: residentId, attributes: { status: 'flooded' } }));
    expect(fieldsOf(onThing)).toEqual(['attributes.status', 'idNumber']);
  });

  it('refuses a second active person with the same ID number in one grid, but not in another grid', async () => {
    const before = await rows();
    const duplicate = await errorOf(register({ type: 'special-care', name: 'Zhang W.', idNumber: residentId, attributes: { gender: 'male', category: 'veteran' } }));
    expect(duplicate?.code).toBe(ErrorCode.CONFLICT);
    expect(duplicate?.message).toContain(resident.id);
    expect(duplicate?.message).not.toContain(residentId);
    expect(await rows()).toBe(before);
    const elsewhere = await register({ gridCode: 'G2', type: 'resident', name: 'Zhang Wei', idNumber: residentId, attributes: { gender: 'male' } });
    expect(elsewhere.gridCode).toBe('G2');
  });

  it('answers NOT_FOUND for an unknown or retired grid', async () => {
    const unknown = await errorOf(register({ gridCode: 'NOPE', type: 'cctv', name: 'Cam 1', attributes: { status: 'in-service' } }));
    expect(unknown?.code).toBe(ErrorCode.NOT_FOUND);
    const retired = await errorOf(register({ gridCode: 'G3', type: 'cctv', name: 'Cam 1', attributes: { status: 'in-service' } }));
    expect(retired?.code).toBe(ErrorCode.NOT_FOUND);
    expect(retired?.message).toMatch(/retired/);
    expect((await errorOf(world.client.request(subjects.grid.baseRecord.list, { gridCode: 'NOPE' })))?.code).toBe(ErrorCode.NOT_FOUND);
    expect((await errorOf(world.client.request(subjects.grid.baseRecord.count, { gridCode: 'M1' })))?.code).toBe(ErrorCode.NOT_FOUND);
  });

  it('updates attributes by merge patch and keeps who changed what from what to what, when', async () => {
    const updated = await world.client.request(subjects.grid.baseRecord.update, {
      id: resident.id,
      version: 1,
      attributes: { address: 'Building 5, Room 101', phone: null, ethnicity: 'Hui' },
      reason: 'moved within the grid',
      actor: supervisor,
    });
    expect(updated.version).toBe(2);
    expect(updated.attributes).toEqual({ gender: 'male', birthDate: '1950-03-07', address: 'Building 5, Room 101', ethnicity: 'Hui' });
    expect(updated.updatedBy).toEqual(supervisor);
    expect(updated.registeredBy).toEqual(worker);
    const entry = updated.history[1]!;
    expect(entry).toMatchObject({ version: 2, change: 'updated', actor: supervisor, reason: 'moved within the grid' });
    expect(Date.now() - Date.parse(entry.at)).toBeLessThan(60_000);
    expect(entry.changes).toEqual([
      { field: 'attributes.address', from: 'Building 3, Room 402', to: 'Building 5, Room 101' },
      { field: 'attributes.ethnicity', to: 'Hui' },
      { field: 'attributes.phone', from: '138****5678' },
    ]);
    const [event] = await outbox('gov.evt.grid.base-record.changed');
    expect(event!.payload).toMatchObject({
      record: { id: resident.id, version: 2 },
      changedFields: ['attributes.address', 'attributes.ethnicity', 'attributes.phone'],
      actor: supervisor,
    });
    expect(JSON.stringify(event!.payload)).not.toContain(residentId);
    resident = updated;
  });

  it('refuses a stale version with CONFLICT and changes nothing', async () => {
    const stale = await errorOf(world.client.request(subjects.grid.baseRecord.update, { id: resident.id, version: 1, name: 'Zhang Wei Jr', actor: worker }));
    expect(stale?.code).toBe(ErrorCode.CONFLICT);
    expect(stale?.message).toMatch(/version 2, not 1/);
    const now = await world.client.request(subjects.grid.baseRecord.get, { id: resident.id });
    expect(now.name).toBe('Zhang Wei');
    expect(now.version).toBe(2);
    expect(now.history).toHaveLength(2);
  });

  it('refuses an update that breaks the type’s schema, naming the attributes, and changes nothing', async () => {
    const changedEvents = (await outbox('gov.evt.grid.base-record.changed')).length;
    const invalid = await errorOf(
      world.client.request(subjects.grid.baseRecord.update, { id: resident.id, version: 2, attributes: { gender: null, householdHead: 'yes' }, actor: worker }),
    );
    expect(fieldsOf(invalid)).toEqual(['attributes.gender', 'attributes.householdHead']);
    // A resident now living alone must bring the attributes that type requires.
    const retyped = await errorOf(world.client.request(subjects.grid.baseRecord.update, { id: resident.id, version: 2, type: 'elderly-living-alone', actor: worker }));
    expect(fieldsOf(retyped)).toEqual(['attributes.emergencyContact']);
    const otherKind = await errorOf(world.client.request(subjects.grid.baseRecord.update, { id: resident.id, version: 2, type: 'shop', actor: worker }));
    expect(fieldsOf(otherKind)).toEqual(['type']);
    const now = await world.client.request(subjects.grid.baseRecord.get, { id: resident.id });
    expect(now).toMatchObject({ version: 2, type: 'resident', attributes: resident.attributes });
    expect((await outbox('gov.evt.grid.base-record.changed')).length).toBe(changedEvents);
  });

  it('changes the type within the kind and moves a record to another active grid, with history', async () => {
    const retyped = await world.client.request(subjects.grid.baseRecord.update, {
      id: resident.id,
      version: 2,
      type: 'elderly-living-alone',
      attributes: { emergencyContact: { name: 'Zhang Min', relation: 'daughter', phone: '13900001111' } },
      actor: worker,
    });
    expect(retyped).toMatchObject({ version: 3, type: 'elderly-living-alone' });
    expect(retyped.history[2]!.changes).toEqual([
      { field: 'type', from: 'resident', to: 'elderly-living-alone' },
      { field: 'attributes.emergencyContact', to: { name: 'Zhang Min', relation: 'daughter', phone: '139****1111' } },
    ]);
    // G2 already has an active person with this ID number.
    const clash = await errorOf(world.client.request(subjects.grid.baseRecord.update, { id: resident.id, version: 3, gridCode: 'G2', actor: worker }));
    expect(clash?.code).toBe(ErrorCode.CONFLICT);
    const retired = await errorOf(world.client.request(subjects.grid.baseRecord.update, { id: resident.id, version: 3, gridCode: 'G3', actor: worker }));
    expect(retired?.code).toBe(ErrorCode.NOT_FOUND);

    const hydrant = await register({ type: 'fire-hydrant', name: 'Hydrant 7', attributes: { status: 'in-service', code: 'XF-007' } });
    const moved = await world.client.request(subjects.grid.baseRecord.update, { id: hydrant.id, version: 1, gridCode: 'G2', location: [116.41, 39.91], actor: worker });
    expect(moved).toMatchObject({ gridCode: 'G2', version: 2, location: [116.41, 39.91] });
    expect(moved.history[1]!.changes).toEqual([
      { field: 'gridCode', from: 'G1', to: 'G2' },
      { field: 'location', to: [116.41, 39.91] },
    ]);
    const events = await outbox('gov.evt.grid.base-record.changed');
    expect(events.at(-1)!.payload).toMatchObject({ record: { id: hydrant.id, gridCode: 'G2' }, previousGridCode: 'G1', changedFields: ['gridCode', 'location'] });
    // Nothing to change: same version, no history entry, no event.
    const same = await world.client.request(subjects.grid.baseRecord.update, { id: hydrant.id, version: 2, attributes: { code: 'XF-007' }, actor: worker });
    expect(same.version).toBe(2);
    expect((await outbox('gov.evt.grid.base-record.changed')).length).toBe(events.length);
    resident = retyped;
  });

  it('lists a grid’s records by kind and type, paged, with ID numbers and phone numbers masked', async () => {
    await register({ type: 'shop', name: 'Noodle shop', attributes: { address: '12 Long St', businessScope: 'restaurant', phone: '01062345678' } });
    await register({ type: 'building', name: 'Building 5', attributes: { address: '5 Long St', use: 'residential', floors: 6 } });
    await register({ type: 'non-public-enterprise', name: 'Express Co', attributes: { ownership: 'private', hasPartyOrganization: false, partyMembers: 2 } });
    const first = await world.client.request(subjects.grid.baseRecord.list, { gridCode: 'G1', limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.nextAfter).toBe(first.items[1]!.id);
    const second = await world.client.request(subjects.grid.baseRecord.list, { gridCode: 'G1', limit: 2, after: first.nextAfter });
    expect(second.nextAfter).toBeUndefined();
    const names = [...first.items, ...second.items].map((r) => r.name);
    expect(names).toEqual(['Zhang Wei', 'Noodle shop', 'Building 5', 'Express Co']);

    const person = first.items[0]!;
    expect(person.idNumber).toBeUndefined();
    expect(person.idNumberMasked).toBe(resident.idNumberMasked);
    expect((person.attributes.emergencyContact as { phone: string }).phone).toBe('139****1111');
    expect(JSON.stringify(first)).not.toContain(residentId);
    expect(first.items[1]!.attributes.phone).toBe('010****5678');

    const places = await world.client.request(subjects.grid.baseRecord.list, { gridCode: 'G1', kind: 'place' });
    expect(places.items.map((r) => r.type)).toEqual(['shop', 'building']);
    const shops = await world.client.request(subjects.grid.baseRecord.list, { gridCode: 'G1', type: 'shop', nameContains: 'NOODLE' });
    expect(shops.items.map((r) => r.name)).toEqual(['Noodle shop']);
    const mismatch = await errorOf(world.client.request(subjects.grid.baseRecord.list, { gridCode: 'G1', kind: 'thing', type: 'shop' }));
    expect(fieldsOf(mismatch)).toEqual(['type']);
  });

  it('shows department systems the record with the ID number and phone numbers masked', async () => {
    const housing = new GridworkClient(world.nc, { department: 'housing', timeoutMs: 5_000 });
    const seen = await housing.request(subjects.grid.baseRecord.get, { id: resident.id });
    expect(seen.idNumber).toBeUndefined();
    expect(seen.idNumberMasked).toBe(resident.idNumberMasked);
    expect(JSON.stringify(seen)).not.toContain(residentId);
    expect(JSON.stringify(seen)).not.toContain('13900001111');
    expect((await errorOf(world.client.request(subjects.grid.baseRecord.get, { id: '0190a000-0000-7000-8000-00000000dead' })))?.code).toBe(
      ErrorCode.NOT_FOUND,
    );
  });

  it('archives with the current version, never deletes, and refuses later changes', async () => {
    const stale = await errorOf(world.client.request(subjects.grid.baseRecord.archive, { id: resident.id, version: 1, reason: 'moved away', actor: worker }));
    expect(stale?.code).toBe(ErrorCode.CONFLICT);
    const archived = await world.client.request(subjects.grid.baseRecord.archive, { id: resident.id, version: 3, reason: 'moved away', actor: supervisor });
    expect(archived).toMatchObject({ version: 4, archiveReason: 'moved away', updatedBy: supervisor });
    expect(archived.archivedAt).toBeDefined();
    expect(archived.history.at(-1)).toMatchObject({ version: 4, change: 'archived', actor: supervisor, reason: 'moved away', changes: [] });
    const [event] = await outbox('gov.evt.grid.base-record.archived');
    expect(event!.payload).toMatchObject({ id: resident.id, kind: 'person', type: 'elderly-living-alone', gridCode: 'G1', version: 4, reason: 'moved away', actor: supervisor });

    expect((await errorOf(world.client.request(subjects.grid.baseRecord.update, { id: resident.id, version: 4, name: 'Z', actor: worker })))?.code).toBe(ErrorCode.CONFLICT);
    expect((await errorOf(world.client.request(subjects.grid.baseRecord.archive, { id: resident.id, version: 4, reason: 'again', actor: worker })))?.code).toBe(
      ErrorCode.CONFLICT,
    );
    const [stored] = await world.query('grid', `SELECT archived_at IS NOT NULL AS archived FROM base_record WHERE id = $1`, [resident.id]);
    expect(stored).toEqual({ archived: true });

    const active = await world.client.request(subjects.grid.baseRecord.list, { gridCode: 'G1', kind: 'person' });
    expect(active.items).toEqual([]);
    const all = await world.client.request(subjects.grid.baseRecord.list, { gridCode: 'G1', kind: 'person', includeArchived: true });
    expect(all.items.map((r) => r.id)).toEqual([resident.id]);
    // The person may be registered in the grid again once the old record is archived.
    const back = await register({ type: 'resident', name: 'Zhang Wei', idNumber: residentId, attributes: { gender: 'male' } });
    expect(back.id).not.toBe(resident.id);
  });

  it('counts a grid’s active and archived records per type, every type listed', async () => {
    const counts = await world.client.request(subjects.grid.baseRecord.count, { gridCode: 'G1' });
    expect(counts.byType).toHaveLength(18);
    const of = (type: string) => counts.byType.find((c) => c.type === type);
    expect(of('resident')).toEqual({ kind: 'person', type: 'resident', active: 1, archived: 0 });
    expect(of('elderly-living-alone')).toEqual({ kind: 'person', type: 'elderly-living-alone', active: 0, archived: 1 });
    expect(of('shop')).toMatchObject({ active: 1 });
    expect(of('fire-hydrant')).toMatchObject({ active: 0, archived: 0 });
    expect(counts.total).toBe(4);
    // Retired grids can still be read, so their records can be found and moved.
    expect((await world.client.request(subjects.grid.baseRecord.count, { gridCode: 'G3' })).total).toBe(0);
  });

  it('lets one of several racing writers win: same person registered twice, same version updated twice', async () => {
    const twin = idNumber('1988-11-30', 77);
    const registrations = await Promise.all(
      [1, 2, 3].map(() => errorOf(register({ gridCode: 'G2', type: 'resident', name: 'Chen Jing', idNumber: twin, attributes: { gender: 'female' } }))),
    );
    expect(registrations.filter((e) => e === undefined)).toHaveLength(1);
    expect(registrations.filter((e) => e?.code === ErrorCode.CONFLICT)).toHaveLength(2);
    const lamp = await register({ type: 'street-lamp', name: 'Lamp 12', attributes: { status: 'in-service' } });
    const updates = await Promise.all(
      (['damaged', 'removed', 'out-of-service'] as const).map((status) =>
        errorOf(world.client.request(subjects.grid.baseRecord.update, { id: lamp.id, version: 1, attributes: { status }, actor: worker })),
      ),
    );
    expect(updates.filter((e) => e === undefined)).toHaveLength(1);
    expect(updates.filter((e) => e?.code === ErrorCode.CONFLICT)).toHaveLength(2);
    const now = await world.client.request(subjects.grid.baseRecord.get, { id: lamp.id });
    expect(now.version).toBe(2);
    expect(now.history).toHaveLength(2);
  });

  it('refuses requests without an actor or with unknown fields', async () => {
    const error = await errorOf(
      world.client.request(subjects.grid.baseRecord.register, { gridCode: 'G1', type: 'cctv', name: 'Cam', attributes: { status: 'in-service' }, colour: 'red' } as never),
    );
    expect(fieldsOf(error)).toEqual(['actor', 'colour']);
  });
});
