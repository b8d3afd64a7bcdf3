import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { INestApplication } from '@nestjs/common';
import { today } from '@gridwork/local-time';
import { ErrorCode, subjects, type Organization } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { orgService } from '../src/org.definition.js';
import { PersonalDataCipher } from '../src/members/personal-data.js';
import { personalDataConfig } from '../src/members/personal-data.config.js';
import { actor, day, counts, createOrganization, errorOf, fieldsOf, idNumber, member, outboxOf, seedAreas } from './fixtures/world.js';

const KEY_1 = 'k1:2noX8o/K+55v+LftiTOQaYKtsCaA76113+4Wby//ad8=';
const KEY_2 = 'k2:hu4HqjbMnhT3E+XZgrUMkJbGNk1SpJgLvTsWYh1Ew+0=';
const HASH_KEY = 'allTsfhjXlBdxltdjO0n16tzynf3sHKmLJZ86PpW7tg=';
const HASH_KEY_2 = 'h2:jjdg8Z6kV7zeSrLsc+uKFn/kyUXT0jg8zH2rnm8uCXw=';
const HASH_ENV = ['ORG_PII_HASH_KEY', 'ORG_PII_HASH_KEYS', 'ORG_PII_CURRENT_HASH_KEY'];

/** Members over NATS: the roll, personal data encrypted and masked, search, conversion, leaving, key rotation. */
describe('members', () => {
  let world: TestWorld;
  let app: INestApplication;
  let community: Organization;
  let branch: Organization;
  let branch2: Organization;
  let group: Organization;
  const clerk = { id: 'records-clerk', personalData: true };
  /** A replica with these keys; hash keys with ids when given, else the single ORG_PII_HASH_KEY of a deployment from before. */
  const start = async (keys: string, current: string, hash?: { keys: string; current: string }) => {
    for (const key of HASH_ENV) delete process.env[key];
    Object.assign(process.env, { ORG_PII_KEYS: keys, ORG_PII_CURRENT_KEY: current }, hash ? { ORG_PII_HASH_KEYS: hash.keys, ORG_PII_CURRENT_HASH_KEY: hash.current } : { ORG_PII_HASH_KEY: HASH_KEY });
    app = await world.start(orgService, 'org');
  };

  beforeAll(async () => {
    world = await testWorld(['org']);
    await start(KEY_1, 'k1');
    await seedAreas(world);
    community = await createOrganization(world, { name: 'M1社区党委', kind: 'committee', areaCode: 'M1' });
    branch = await createOrganization(world, { name: '第一党支部', kind: 'branch', areaCode: 'M1', parentId: community.id });
    branch2 = await createOrganization(world, { name: '第二党支部', kind: 'branch', areaCode: 'M1', parentId: community.id });
    group = await createOrganization(world, { name: '第一党小组', kind: 'group', areaCode: 'M1', parentId: branch.id });
  });
  afterAll(async () => {
    for (const key of ['ORG_PII_KEYS', 'ORG_PII_CURRENT_KEY', ...HASH_ENV]) delete process.env[key];
    await world?.dispose();
  });

  it('puts a member on the roll with their personal data encrypted at rest and masked in replies', async () => {
    const registered = await world.client.request(subjects.org.member.register, member(branch.id, { name: '张晓明', idNumber: '44010619800101123X', phone: '13800138000' }));
    expect(registered).toMatchObject({ name: '张晓明', idNumber: '440106********123X', phone: '138****8000', masked: true, status: 'full', joinedOn: '2015-07-01', convertedOn: '2016-07-01' });
    const [stored] = await world.query<{ id_number_enc: string; phone_enc: string; row: string }>('org', `SELECT id_number_enc, phone_enc, m::text AS row FROM member m WHERE id = $1`, [registered.id]);
    expect(stored!.row).not.toContain('44010619800101123X');
    expect(stored!.row).not.toContain('13800138000');
    expect(stored!.id_number_enc).toMatch(/^k1:/);
    const full = await world.client.request(subjects.org.member.get, { id: registered.id, viewer: clerk });
    expect(full).toMatchObject({ idNumber: '44010619800101123X', phone: '13800138000', masked: false });
    expect(await world.client.request(subjects.org.member.get, { id: registered.id, viewer: { id: 'someone' } })).toMatchObject({ idNumber: '440106********123X', masked: true });
    // A value copied onto another member's row does not decrypt there (the member's id is bound in).
    const other = await world.client.request(subjects.org.member.register, member(branch.id, { name: '李娜' }));
    await world.query('org', `UPDATE member SET phone_enc = $1 WHERE id = $2`, [stored!.phone_enc, other.id]);
    expect((await errorOf(world.client.request(subjects.org.member.get, { id: other.id })))?.code).toBe(ErrorCode.INTERNAL);
    await world.query('org', `UPDATE member SET phone_enc = NULL WHERE id = $1`, [other.id]);
    const [joined] = await outboxOf(world, subjects.org.member.joined.subject);
    expect(joined!.payload).toEqual({ member: { id: registered.id, number: registered.number, name: '张晓明', organizationId: branch.id, status: 'full' }, joinedOn: '2015-07-01' });
  });

  it('refuses a bad member naming every wrong field, and the rules of the roll with the reason, storing nothing', async () => {
    const before = await counts(world, 'member', 'outbox');
    const bad = await errorOf(world.client.request(subjects.org.member.register, { ...member(branch.id), number: '', name: '', idNumber: '1234', phone: 'call me', status: 'gone' as never, joinedOn: '2015-02-30' }));
    expect(fieldsOf(bad)).toEqual(['idNumber', 'joinedOn', 'name', 'number', 'phone', 'status']);
    expect(fieldsOf(await errorOf(world.client.request(subjects.org.member.register, member(branch.id, { joinedOn: '2020-01-01', convertedOn: '2020-06-01' }))))).toEqual(['convertedOn']);
    expect(fieldsOf(await errorOf(world.client.request(subjects.org.member.register, member(branch.id, { status: 'full', convertedOn: undefined }))))).toEqual(['convertedOn']);
    expect(fieldsOf(await errorOf(world.client.request(subjects.org.member.register, member(branch.id, { status: 'probationary', joinedOn: day(3), convertedOn: undefined }))))).toEqual(['joinedOn']);
    const twice = await errorOf(world.client.request(subjects.org.member.register, member(branch.id, { idNumber: '44010619800101123X' })));
    expect(twice?.code).toBe(ErrorCode.CONFLICT);
    expect(twice?.message).toMatch(/already on the roll/);
    expect((await errorOf(world.client.request(subjects.org.member.register, member(group.id))))?.message).toMatch(/is a group: members belong to its branch/);
    expect((await errorOf(world.client.request(subjects.org.member.register, member(branch.id, { actor: { id: 'd2', areas: ['D2'] } }))))?.code).toBe(ErrorCode.FORBIDDEN);
    expect(await counts(world, 'member', 'outbox')).toEqual(before);
  });

  it('finds members by part of a Chinese name, member number or exact ID number, within a subtree and the viewer\'s areas', async () => {
    await world.client.request(subjects.org.member.register, member(branch2.id, { name: '王晓红' }));
    await world.client.request(subjects.org.member.register, member(branch2.id, { name: '欧阳晓', number: 'GZ-0009' }));
    const byName = await world.client.request(subjects.org.member.search, { name: '晓' });
    expect(byName.items.map((m) => m.name).sort()).toEqual(['张晓明', '欧阳晓', '王晓红']);
    const inBranch2 = await world.client.request(subjects.org.member.search, { name: '晓', withinOrganizationId: branch2.id });
    expect(inBranch2.items.map((m) => m.name).sort()).toEqual(['欧阳晓', '王晓红']);
    expect((await world.client.request(subjects.org.member.search, { withinOrganizationId: community.id })).items).toHaveLength(4);
    expect((await world.client.request(subjects.org.member.search, { number: 'GZ-0009' })).items.map((m) => m.name)).toEqual(['欧阳晓']);
    const byId = await world.client.request(subjects.org.member.search, { idNumber: '44010619800101123X', viewer: clerk });
    expect(byId.items.map((m) => [m.name, m.idNumber])).toEqual([['张晓明', '44010619800101123X']]);
    expect((await world.client.request(subjects.org.member.search, { idNumber: idNumber(99_999) })).items).toEqual([]);
    // `%` is a character like any other, not a wildcard.
    expect((await world.client.request(subjects.org.member.search, { name: '%' })).items).toEqual([]);
    expect((await world.client.request(subjects.org.member.search, { name: '晓', viewer: { id: 'v', areas: ['D2'] } })).items).toEqual([]);
    const page = await world.client.request(subjects.org.member.search, { name: '晓', limit: 2 });
    const rest = await world.client.request(subjects.org.member.search, { name: '晓', after: page.nextAfter });
    expect([...page.items, ...rest.items].map((m) => m.id)).toEqual(byName.items.map((m) => m.id));
    expect(fieldsOf(await errorOf(world.client.request(subjects.org.member.search, {})))).toEqual(['idNumber', 'name', 'number', 'withinOrganizationId']);
  });

  it('converts a probationary member after the probation year only, extends it once, or cancels it; each decision recorded', async () => {
    const early = await world.client.request(subjects.org.member.register, member(branch.id, { status: 'probationary', joinedOn: day(-30), convertedOn: undefined }));
    expect(early.conversionDueOn).toBe(day(-30).replace(/^(\d{4})/, (y) => String(Number(y) + 1)));
    const tooSoon = await errorOf(world.client.request(subjects.org.member.convert, { id: early.id, decision: 'pass', on: today(), reason: 'assembly agreed', actor }));
    expect(tooSoon?.code).toBe(ErrorCode.CONFLICT);
    expect(tooSoon?.message).toMatch(/probation runs until/);
    expect(fieldsOf(await errorOf(world.client.request(subjects.org.member.convert, { id: early.id, decision: 'return', on: today(), reason: 'x', actor })))).toEqual(['extendMonths']);

    const due = await world.client.request(subjects.org.member.register, member(branch.id, { status: 'probationary', joinedOn: '2024-02-29', convertedOn: undefined }));
    expect(due.conversionDueOn).toBe('2025-02-28');
    const extended = await world.client.request(subjects.org.member.convert, { id: due.id, decision: 'return', extendMonths: 6, on: today(), reason: '学习不够', actor });
    expect(extended).toMatchObject({ status: 'probationary', conversionDueOn: '2025-08-28' });
    expect((await errorOf(world.client.request(subjects.org.member.convert, { id: due.id, decision: 'return', extendMonths: 6, on: today(), reason: 'again', actor })))?.message).toMatch(/extended once already/);
    const resolved = await world.client.request(subjects.org.member.convert, { id: due.id, decision: 'pass', on: today(), reason: '支部大会通过', actor });
    expect(resolved).toMatchObject({ status: 'probationary', conversionResolvedOn: today() });
    expect((await errorOf(world.client.request(subjects.org.member.convert, { id: due.id, decision: 'pass', on: today(), reason: 'again', actor })))?.message).toMatch(/the higher committee's decision is awaited/);
    const approve = { id: due.id, decision: 'pass' as const, on: today(), by: 'higher-committee' as const, committeeId: community.id, reason: '街道党工委审批同意', actor };
    expect((await errorOf(world.client.request(subjects.org.member.convert, { ...approve, committeeId: branch2.id })))?.message).toMatch(/is not a committee above/);
    expect((await errorOf(world.client.request(subjects.org.member.convert, { ...approve, id: early.id })))?.message).toMatch(/has not resolved to convert/);
    const converted = await world.client.request(subjects.org.member.convert, approve);
    // A full member from the day probation ended.
    expect(converted).toMatchObject({ status: 'full', convertedOn: '2025-08-28' });
    expect(converted.conversionDueOn).toBeUndefined();
    const refused = await world.client.request(subjects.org.member.convert, { id: early.id, decision: 'refuse', on: today(), reason: '不具备条件', actor });
    expect(refused).toMatchObject({ status: 'left', leavingReason: 'disqualified' });
    const approvals = await world.client.request(subjects.org.approval.list, { subjectId: due.id });
    expect(approvals.items.map((a) => [a.workflow, a.step, a.decision, a.reason, a.actorId])).toEqual([
      ['conversion', 'branch-assembly', 'return', '学习不够', actor.id],
      ['conversion', 'branch-assembly', 'pass', '支部大会通过', actor.id],
      ['conversion', 'higher-committee', 'pass', '街道党工委审批同意', actor.id],
    ]);
  });

  it('ends a membership once, by leaving or death', async () => {
    const leaving = await world.client.request(subjects.org.member.register, member(branch.id, { name: '赵某' }));
    const died = await world.client.request(subjects.org.member.leave, { id: leaving.id, reason: 'died', on: today(), note: '病故', actor });
    expect(died).toMatchObject({ status: 'deceased', leavingReason: 'died', leftOn: today() });
    expect((await errorOf(world.client.request(subjects.org.member.leave, { id: leaving.id, reason: 'withdrew', on: today(), actor })))?.message).toMatch(/has already left/);
    const left = (await outboxOf(world, subjects.org.member.left.subject)).map((e) => e.payload);
    expect(left.slice(-1)).toEqual([{ member: { id: leaving.id, number: leaving.number, name: '赵某', organizationId: branch.id, status: 'deceased' }, reason: 'died', on: today() }]);
    expect((await world.client.request(subjects.org.member.search, { name: '赵某' })).items).toEqual([]);
    expect((await world.client.request(subjects.org.member.search, { name: '赵某', status: 'deceased' })).items).toHaveLength(1);
  });

  it('rotates the key without downtime: both keys read meanwhile, new writes take the new key, a pass moves the old values', async () => {
    const applicant = await world.client.request(subjects.org.joining.apply, { name: '申请人', idNumber: '440106199201011234', organizationId: branch.id, appliedOn: today(), actor });
    const before = await world.query<{ id: string; id_number_enc: string }>('org', `SELECT id, id_number_enc FROM member ORDER BY id`);
    expect(before.every((row) => row.id_number_enc.startsWith('k1:'))).toBe(true);
    // A second replica with both keys and the new one current comes up beside the first, then the first goes.
    const old = app;
    await start(`${KEY_1},${KEY_2}`, 'k2');
    await world.stop(old);
    const fresh = await world.client.request(subjects.org.member.register, member(branch.id, { name: '新党员', idNumber: '440106199001011234' }));
    const [row] = await world.query<{ id_number_enc: string }>('org', `SELECT id_number_enc FROM member WHERE id = $1`, [fresh.id]);
    expect(row!.id_number_enc).toMatch(/^k2:/);
    expect((await world.client.request(subjects.org.member.search, { idNumber: '44010619800101123X', viewer: clerk })).items[0]?.idNumber).toBe('44010619800101123X');

    const first = await world.client.request(subjects.org.member.reencrypt, { batch: 3, actor });
    expect(first).toEqual({ currentKeyId: 'k2', reencrypted: 3, remaining: before.length - 3 });
    let last = first;
    while (last.remaining > 0) last = await world.client.request(subjects.org.member.reencrypt, { actor });
    expect(last.remaining).toBe(0);
    const after = await world.query<{ id_number_enc: string }>('org', `SELECT id_number_enc FROM member`);
    expect(after.every((r) => r.id_number_enc.startsWith('k2:'))).toBe(true);
    // Applicants' ID numbers move the same way.
    expect(await world.client.request(subjects.org.joining.reencrypt, { actor })).toEqual({ currentKeyId: 'k2', reencrypted: 1, remaining: 0 });

    // With the old key dropped, everything still reads.
    const both = app;
    await start(KEY_2, 'k2');
    await world.stop(both);
    const all = await world.client.request(subjects.org.member.search, { withinOrganizationId: community.id, viewer: clerk });
    expect(all.items.find((m) => m.name === '张晓明')?.idNumber).toBe('44010619800101123X');
    expect((await world.client.request(subjects.org.joining.get, { id: applicant.id, viewer: clerk })).idNumber).toBe('440106199201011234');
  });

  it('rotates the ID-number hash key without downtime: search looks under both keys, a person stays one row across them, the pass rehashes', async () => {
    const hashKeys = async () => [
      ...(await world.query<{ key: string }>('org', `SELECT id_number_hash_key AS key FROM member`)).map((r) => r.key),
      ...(await world.query<{ key: string }>('org', `SELECT id_number_hash_key AS key FROM applicant`)).map((r) => r.key),
    ];
    // Every hash from before names the single ORG_PII_HASH_KEY, `hash-0`.
    expect(new Set(await hashKeys())).toEqual(new Set(['hash-0']));
    const before = await world.query<{ id: string; id_number_hash: Buffer }>('org', `SELECT id, id_number_hash FROM member ORDER BY id`);
    const legacy = { keys: `hash-0:${HASH_KEY},${HASH_KEY_2}` };
    const byIdNumber = async (id: string) => (await world.client.request(subjects.org.member.search, { idNumber: id, viewer: clerk })).items.map((m) => m.name);

    // Step 1 and 2 at once, as a rolling restart has them: one replica with both hash keys and the old one current,
    // one with the new one current, side by side; either may take any request.
    const single = app;
    await start(KEY_2, 'k2', { ...legacy, current: 'hash-0' });
    const oldCurrent = app;
    await start(KEY_2, 'k2', { ...legacy, current: 'h2' });
    await world.stop(single);
    expect(await byIdNumber('44010619800101123X')).toEqual(['张晓明']);
    // The same new person registered on both replicas at once: one row, every other attempt a duplicate.
    const racing = idNumber(70_001);
    const attempts = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => world.client.request(subjects.org.member.register, member(branch.id, { idNumber: racing, number: `HR-${i}` }))));
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    for (const a of attempts) if (a.status === 'rejected') expect((a.reason as { code?: string }).code).toBe(ErrorCode.CONFLICT);
    expect(await world.query('org', `SELECT 1 FROM member WHERE name LIKE '党员%' AND number LIKE 'HR-%'`)).toHaveLength(1);

    // Only the new-current replica is left: new rows are hashed under h2; rows under hash-0 are still found, and still duplicates.
    await world.stop(oldCurrent);
    const fresh = await world.client.request(subjects.org.member.register, member(branch.id, { name: '新哈希', idNumber: idNumber(70_002) }));
    expect(await world.query('org', `SELECT id_number_hash_key FROM member WHERE id = $1`, [fresh.id])).toEqual([{ id_number_hash_key: 'h2' }]);
    expect(await byIdNumber('44010619800101123X')).toEqual(['张晓明']);
    expect(await byIdNumber(idNumber(70_002))).toEqual(['新哈希']);
    const twice = await errorOf(world.client.request(subjects.org.member.register, member(branch.id, { idNumber: '44010619800101123X' })));
    expect(twice?.code).toBe(ErrorCode.CONFLICT);
    expect(twice?.message).toMatch(/already on the roll/);
    expect((await errorOf(world.client.request(subjects.org.joining.apply, { name: '又申请', idNumber: '44010619800101123X', organizationId: branch.id, appliedOn: today(), actor })))?.message).toMatch(/on the roll already/);
    // The applicant of the previous test, hashed under hash-0, has an open application still.
    expect((await errorOf(world.client.request(subjects.org.joining.apply, { name: '申请人', idNumber: '440106199201011234', organizationId: branch.id, appliedOn: today(), actor })))?.message).toMatch(/open application/);

    // The passes rehash (the encryption key is current already: only the hash moves).
    const members = await world.query<{ n: number }>('org', `SELECT count(*)::int AS n FROM member WHERE id_number_hash_key = 'hash-0'`);
    const first = await world.client.request(subjects.org.member.reencrypt, { batch: 2, actor });
    expect(first).toEqual({ currentKeyId: 'k2', reencrypted: 2, remaining: members[0]!.n - 2 });
    let last = first;
    while (last.remaining > 0) last = await world.client.request(subjects.org.member.reencrypt, { actor });
    expect(await world.client.request(subjects.org.joining.reencrypt, { actor })).toMatchObject({ reencrypted: 1, remaining: 0 });
    expect(new Set(await hashKeys())).toEqual(new Set(['h2']));
    const after = await world.query<{ id: string; id_number_hash: Buffer }>('org', `SELECT id, id_number_hash FROM member WHERE id = ANY ($1::uuid[]) ORDER BY id`, [before.map((r) => r.id)]);
    after.forEach((row, i) => expect(row.id_number_hash.equals(before[i]!.id_number_hash)).toBe(false));
    expect(await byIdNumber('44010619800101123X')).toEqual(['张晓明']);

    // The old hash key dropped: everything is still found, and duplicates still refused.
    const both = app;
    await start(KEY_2, 'k2', { keys: HASH_KEY_2, current: 'h2' });
    await world.stop(both);
    expect(await byIdNumber('44010619800101123X')).toEqual(['张晓明']);
    expect(await byIdNumber(racing)).toHaveLength(1);
    expect((await errorOf(world.client.request(subjects.org.member.register, member(branch.id, { idNumber: '44010619800101123X' }))))?.code).toBe(ErrorCode.CONFLICT);
    expect((await errorOf(world.client.request(subjects.org.joining.apply, { name: '申请人', idNumber: '440106199201011234', organizationId: branch.id, appliedOn: today(), actor })))?.message).toMatch(/open application/);
  });

  it('refuses hash-key settings that do not name their current key, naming the setting', () => {
    const keys = { ORG_PII_KEYS: KEY_1, ORG_PII_CURRENT_KEY: 'k1' };
    expect(() => new PersonalDataCipher(personalDataConfig({ ...keys, ORG_PII_HASH_KEYS: HASH_KEY_2 }))).toThrow(/ORG_PII_CURRENT_HASH_KEY \(unset\) is not one of ORG_PII_HASH_KEYS/);
    expect(() => new PersonalDataCipher(personalDataConfig({ ...keys, ORG_PII_HASH_KEYS: HASH_KEY_2, ORG_PII_CURRENT_HASH_KEY: 'h1' }))).toThrow(/ORG_PII_CURRENT_HASH_KEY h1 is not one of/);
    expect(() => new PersonalDataCipher(personalDataConfig({ ...keys, ORG_PII_CURRENT_HASH_KEY: 'h2' }))).toThrow(/without ORG_PII_HASH_KEYS/);
    expect(() => personalDataConfig({ ...keys, ORG_PII_HASH_KEYS: 'h2:short' })).toThrow(/ORG_PII_HASH_KEYS/);
    // The single key and the same key named hash-0 hash alike: a deployment moves to the list without rehashing.
    const single = new PersonalDataCipher(personalDataConfig({ ...keys, ORG_PII_HASH_KEY: HASH_KEY }));
    const listed = new PersonalDataCipher(personalDataConfig({ ...keys, ORG_PII_HASH_KEYS: `hash-0:${HASH_KEY}`, ORG_PII_CURRENT_HASH_KEY: 'hash-0' }));
    expect(listed.hashIdNumber('44010619800101123x')).toEqual(single.hashIdNumber('44010619800101123X'));
  });
});
