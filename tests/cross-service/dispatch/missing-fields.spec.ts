import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, GridworkError, subjects, type EndpointDefinition } from '@gridwork/contracts';
import { GridworkClient } from '@gridwork/client';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { dispatchService } from '@gridwork/dispatch-service/definition';
import { staffSmallCity, startGridWithSmallCity } from '../fixtures/small-city.js';

const operator = { kind: 'operator' as const, id: 'op-1', name: 'Dispatcher Li' };
const WEST = { longitude: 113.005, latitude: 23.01 };

type Body = Record<string, unknown>;

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
 * Each dispatch command as a caller sends it, valid, then with each field
 * missing in turn: the answer is a refusal naming what is wrong, or success
 * for an optional field, and never INTERNAL (`case.blow-whistle` without
 * `actor` answered INTERNAL).
 */
describe('dispatch commands with a field missing', () => {
  let world: TestWorld;
  let housing: GridworkClient;
  let n = 0;
  const report = async () =>
    (
      await world.client.request(subjects.dispatch.case.report, {
        idempotencyKey: `missing-${++n}`,
        channel: 'hotline-12345',
        categoryCode: 'environment',
        description: 'Rubbish by the gate',
        location: WEST,
        reporter: { name: 'Resident Wang', phone: '13800000000' },
      })
    ).case;

  beforeAll(async () => {
    world = await testWorld(['grid', 'dispatch']);
    await world.start(dispatchService, 'dispatch');
    await startGridWithSmallCity(world);
    await staffSmallCity(world);
    housing = new GridworkClient(world.nc, { department: 'housing', timeoutMs: 5_000 });
    await world.client.request(subjects.dispatch.category.define, {
      code: 'environment',
      name: 'Environment',
      responsible: { kind: 'level', level: 'grid' },
      acceptHours: 2,
      completeHours: 24,
      hoursKind: 'working',
    });
  });
  afterAll(() => world?.dispose());

  /** A valid body for each command, made for a fresh case where it needs one. */
  const commands: [EndpointDefinition<object, unknown>, (caseId: string, other: string) => Body][] = [
    [subjects.dispatch.case.report, () => ({ idempotencyKey: `k-${++n}`, channel: 'hotline-12345', categoryCode: 'environment', description: 'x', location: WEST, reporter: { name: 'Wang', phone: '13800000000' } })],
    [subjects.dispatch.case.accept, (caseId) => ({ caseId, actor: operator })],
    [subjects.dispatch.case.assign, (caseId) => ({ caseId, actor: operator, to: { kind: 'department', department: 'housing' }, reason: 'theirs' })],
    [subjects.dispatch.case.claim, (caseId) => ({ caseId, actor: operator })],
    [subjects.dispatch.case.resolve, (caseId) => ({ caseId, actor: operator, resolution: 'done' })],
    [subjects.dispatch.case.handBack, (caseId) => ({ caseId, actor: operator, reason: 'not ours' })],
    [subjects.dispatch.case.reject, (caseId) => ({ caseId, actor: operator, reason: 'not a case' })],
    [subjects.dispatch.case.merge, (caseId, other) => ({ caseId, actor: operator, duplicateOf: other, reason: 'same heap' })],
    [subjects.dispatch.case.callback, (caseId) => ({ caseId, actor: operator, satisfaction: 'unsatisfied', comment: 'still there' })],
    [subjects.dispatch.case.close, (caseId) => ({ caseId, actor: operator })],
    [subjects.dispatch.case.blowWhistle, (caseId) => ({ caseId, actor: operator, departments: ['water'], reason: 'pipes', reportInHours: 2 })],
    [subjects.dispatch.case.reportIn, (caseId) => ({ caseId, note: 'on our way' })],
    [subjects.dispatch.case.supervise, (caseId) => ({ caseId, actor: operator, issuer: { level: 'district', areaCode: 'T01' }, note: 'hurry' })],
    [subjects.dispatch.category.define, () => ({ code: 'environment.noise', name: 'Noise', responsible: { kind: 'level', level: 'grid' }, acceptHours: 1, completeHours: 8, hoursKind: 'calendar' })],
    [subjects.dispatch.routing.setRule, () => ({ categoryCode: 'environment', areaCode: 'T0101', responsible: { kind: 'level', level: 'community' }, note: 'x' })],
    [subjects.dispatch.routing.resolve, () => ({ categoryCode: 'environment', gridCode: 'T01010101' })],
    [subjects.dispatch.calendar.set, () => ({ days: [{ date: '2030-01-02', kind: 'holiday' }] })],
    [subjects.dispatch.calendar.previewDeadline, () => ({ from: '2030-01-02T09:00:00+08:00', hours: 4, hoursKind: 'working' })],
  ];

  it.each(commands.map(([endpoint, body]) => [endpoint.subject, endpoint, body] as const))('%s', async (_, endpoint, bodyFor) => {
    for (const { missing, body } of withOneFieldMissing(bodyFor((await report()).id, (await report()).id))) {
      const client = endpoint === subjects.dispatch.case.reportIn ? housing : world.client;
      const error = await (client.request(endpoint, body as never) as Promise<unknown>).then(
        () => undefined,
        (e: unknown) => e as GridworkError,
      );
      expect(error?.code, `${endpoint.subject} without ${missing}: ${error?.message}`).not.toBe(ErrorCode.INTERNAL);
    }
  });
});
