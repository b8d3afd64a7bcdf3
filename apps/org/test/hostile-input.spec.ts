import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMetadataStorage } from 'class-validator';
import { ErrorCode, GridworkError, orgDomainSubjects, subjects, type EndpointDefinition } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { orgService } from '../src/org.definition.js';
import { actor, counts, createOrganization, member, seedAreas } from './fixtures/world.js';

type Body = Record<string, unknown>;

/** Every endpoint of the org service's domain (not health or dead letters). */
const endpoints = Object.values(orgDomainSubjects).flatMap((aggregate) => Object.values(aggregate).filter((d): d is EndpointDefinition<object, unknown> => d.kind === 'endpoint'));

/** The fields a request class validates. */
const fieldsOf = (type: Function) => [...new Set(getMetadataStorage().getTargetValidationMetadatas(type, '', true, false).map((m) => m.propertyName))];

const HOSTILE: unknown[] = [null, 42, -1, 1.5, true, 'x'.repeat(5_000), '', "'; DROP TABLE member; --", {}, [], ['a', 1], { $gt: '' }, '2026-02-30', '../../etc/passwd', '\u0000'];

/** Every way to leave one field out of a body: each top-level field, and each field of a nested object. */
function withOneFieldMissing(body: Body): { missing: string; body: Body }[] {
  const out: { missing: string; body: Body }[] = [];
  for (const [key, value] of Object.entries(body)) {
    const { [key]: _dropped, ...rest } = body;
    out.push({ missing: key, body: rest });
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const inner of Object.keys(value)) {
        const { [inner]: _innerDropped, ...innerRest } = value as Body;
        out.push({ missing: `${key}.${inner}`, body: { ...body, [key]: innerRest } });
      }
    }
  }
  return out;
}

/**
 * Whatever a caller sends, the org service answers with a refusal that names
 * what is wrong (or does what was asked), never INTERNAL: every endpoint with
 * each of its fields set to hostile values, and the main commands, valid,
 * with each field missing in turn.
 */
describe('the org service and hostile input', () => {
  let world: TestWorld;
  const answer = (endpoint: EndpointDefinition<object, unknown>, body: unknown) =>
    world.client.request(endpoint, body as object).then(
      () => 'ok',
      (error: GridworkError) => error.code,
    );

  beforeAll(async () => {
    world = await testWorld(['org']);
    await world.start(orgService, 'org');
    await seedAreas(world);
  });
  afterAll(() => world?.dispose());

  it('refuses hostile values in every field of every endpoint, without INTERNAL, changing nothing', async () => {
    const before = await counts(world, 'organization', 'member', 'outbox');
    const internal: string[] = [];
    for (const endpoint of endpoints) {
      if ((await answer(endpoint, {})) === ErrorCode.INTERNAL) internal.push(`${endpoint.subject} {}`);
      const fields = fieldsOf(endpoint.request);
      for (const field of fields) {
        // The one hostile field, with a valid actor or viewer beside it where the request has one.
        const beside = { ...(fields.includes('actor') ? { actor } : {}), ...(fields.includes('viewer') ? { viewer: { id: 'v' } } : {}) };
        for (const value of HOSTILE) {
          const code = await answer(endpoint, { ...beside, [field]: value });
          if (code === ErrorCode.INTERNAL) internal.push(`${endpoint.subject} ${field}=${JSON.stringify(value)?.slice(0, 30)}`);
        }
      }
    }
    expect(internal).toEqual([]);
    expect(endpoints.length).toBeGreaterThan(40);
    expect(await counts(world, 'organization', 'member', 'outbox')).toEqual(before);
  });

  it('answers each main command with a field missing by naming it, or by doing it when the field is optional, never INTERNAL', async () => {
    const committee = await createOrganization(world, { name: 'M1社区党委', kind: 'committee', areaCode: 'M1' });
    const branch = await createOrganization(world, { name: '第一党支部', kind: 'branch', areaCode: 'M1', parentId: committee.id });
    const other = await createOrganization(world, { name: '第二党支部', kind: 'branch', areaCode: 'M1', parentId: committee.id });
    const someone = await world.client.request(subjects.org.member.register, member(branch.id));
    let n = 0;
    const commands: [EndpointDefinition<object, unknown>, () => Body][] = [
      [subjects.org.organization.create, () => ({ name: `支部${++n}`, kind: 'branch', type: 'community', areaCode: 'M1', parentId: committee.id, setup: 'standalone', actor: { ...actor } })],
      [subjects.org.member.register, () => ({ ...member(branch.id), actor: { ...actor } }) as Body],
      [subjects.org.transfer.request, () => ({ memberId: someone.id, toOrganizationId: other.id, reason: 'x', actor: { ...actor } })],
      [subjects.org.joining.apply, () => ({ name: '申请人', idNumber: `4401061990${String(++n).padStart(7, '0')}X`, organizationId: branch.id, appliedOn: '2026-01-01', actor: { ...actor } })],
      [subjects.org.dues.setBasis, () => ({ memberId: someone.id, rule: 'income', monthlyIncomeFen: 500_000, actor: { ...actor } })],
      [subjects.org.life.record, () => ({ organizationId: branch.id, kind: 'party-lesson', heldOn: '2026-01-15', topic: 't', attendeeIds: [someone.id], actor: { ...actor } })],
      [subjects.org.leader.appoint, () => ({ organizationId: committee.id, memberId: someone.id, role: 'committee-member', fromOn: '2025-01-01', termEndsOn: '2030-01-01', actor: { ...actor } })],
      [subjects.org.unit.register, () => ({ code: `U-${++n}`, name: 'u', type: 'new-employment', areaCode: 'M1', employees: 3, partyMembers: 0, actor: { ...actor } })],
      [subjects.org.reportIn.register, () => ({ memberId: someone.id, communityCode: 'M2', volunteerId: 'vol-1', on: '2026-01-01', actor: { ...actor } })],
    ];
    const internal: string[] = [];
    const notRefused: string[] = [];
    for (const [endpoint, valid] of commands) {
      for (const { missing, body } of withOneFieldMissing(valid())) {
        const code = await answer(endpoint, body);
        if (code === ErrorCode.INTERNAL) internal.push(`${endpoint.subject} without ${missing}`);
      }
      // An actor that is not an object (an array passed nested validation with nothing to check) is refused.
      for (const wrong of [[], [{ id: 'x' }], 'someone']) {
        const code = await answer(endpoint, { ...valid(), actor: wrong });
        if (code !== ErrorCode.VALIDATION_FAILED) notRefused.push(`${endpoint.subject} actor=${JSON.stringify(wrong)}: ${code}`);
      }
    }
    expect(internal).toEqual([]);
    expect(notRefused).toEqual([]);
    const viewerArray = await world.client.request(subjects.org.organization.get, { id: committee.id, viewer: [] as never }).catch((error: GridworkError) => error);
    expect((viewerArray as GridworkError).details?.map((d) => d.field)).toEqual(['viewer']);
  });
});
