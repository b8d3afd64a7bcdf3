import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, GridworkError, admissionDomainSubjects, allDefinitions, type EndpointDefinition } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { admissionService } from '../src/admission.definition.js';
import { seedAreas } from './fixtures/world.js';

const endpoints = allDefinitions(admissionDomainSubjects).filter((d): d is EndpointDefinition<object, unknown> => d.kind === 'endpoint');

/** Hostile or empty bodies for every field a request class has, each of the wrong type. */
const WRONG = [42, 'text', true, null, [], {}, -1, 1e300, '<script>alert(1)</script>', "'; DROP TABLE item; --"];

/**
 * Whatever a caller sends to any of the admission service's endpoints, the
 * answer is a refusal naming what is wrong (or a plain answer), never an
 * internal error, and nothing is stored.
 */
describe('admission refusals', () => {
  let world: TestWorld;
  const stored = async () =>
    (
      await world.query<{ n: number }>(
        'admission',
        `SELECT (SELECT count(*) FROM item) + (SELECT count(*) FROM list) + (SELECT count(*) FROM list_version) + (SELECT count(*) FROM application)
              + (SELECT count(*) FROM reviewer) + (SELECT count(*) FROM outbox) AS n`,
      )
    )[0]!.n;

  beforeAll(async () => {
    world = await testWorld(['admission']);
    await world.start(admissionService, 'admission');
    await seedAreas(world);
  });
  afterAll(() => world?.dispose());

  it('covers every endpoint of the service', () => {
    expect(endpoints.length).toBeGreaterThanOrEqual(25);
  });

  it.each(endpoints.map((endpoint) => [endpoint.subject, endpoint] as const))('%s refuses empty and wrongly typed bodies, never INTERNAL', async (_, endpoint) => {
    const before = await stored();
    const fields = Object.keys(new endpoint.request()).length > 0 ? Object.keys(new endpoint.request()) : [];
    // class-validator's metadata knows the fields even when the class sets none.
    const bodies: unknown[] = [{}, ...WRONG.map((value) => Object.fromEntries([...fields, 'itemCode', 'areaCode', 'id', 'asks', 'actor', 'level', 'kind'].map((field) => [field, value])))];
    for (const body of bodies) {
      const error = await world.client.request(endpoint, body as never).then(
        () => undefined,
        (e: unknown) => e as GridworkError,
      );
      if (error) {
        expect(error.code, `${endpoint.subject} ${JSON.stringify(body)}: ${error.message}`).not.toBe(ErrorCode.INTERNAL);
        if (error.code === ErrorCode.VALIDATION_FAILED) expect(error.details?.length).toBeGreaterThan(0);
      }
    }
    expect(await stored()).toBe(before);
  });
});
