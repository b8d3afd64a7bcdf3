import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, GridworkError, operationsOf, subjects } from '@gridwork/contracts';
import { GridworkClient, decodeJson, type RunningConsumer } from '@gridwork/client';
import { createInbox } from '@nats-io/nats-core';
import { waitFor } from '@gridwork/testing';
import { probe, probeService } from './fixtures/probe.js';
import { testWorld, type TestWorld } from './world.js';

/** A department system's view: durable consumption that resumes where it stopped, and requests on its own subjects. */
describe('department systems', () => {
  let world: TestWorld;

  beforeAll(async () => {
    world = await testWorld(['probe']);
    await world.start(probeService(), 'probe');
  });
  afterAll(() => world?.dispose());

  it('receives every event once across a consumer restart, retrying a failed one', async () => {
    const seen: string[] = [];
    let failOnce = true;
    const consume = () =>
      world.client.consume(probe.widget.created, { durable: 'dept-city-management', retry: { backoffMs: 20 } }, async (event, meta) => {
        expect(meta.schema).toBe('probe.widget.created/1');
        if (event.name === 'retry-me' && failOnce) {
          failOnce = false;
          throw new Error('department system hiccup');
        }
        seen.push(event.name);
      });

    let consumer: RunningConsumer = await consume();
    await world.client.request(probe.widget.create, { name: 'first', count: 1 });
    await world.client.request(probe.widget.create, { name: 'retry-me', count: 1 });
    await waitFor('two events', () => seen.length === 2);
    await consumer.stop();

    // Published while the department system was away.
    await world.client.request(probe.widget.create, { name: 'while-away', count: 1 });
    consumer = await consume();
    await waitFor('the missed event', () => seen.length === 3);
    await new Promise((r) => setTimeout(r, 300));
    await consumer.stop();
    expect(seen).toEqual(['first', 'retry-me', 'while-away']);
  });

  it('serves a department on gov.ext.<dept>.… and tells the handler which department acts', async () => {
    const housing = new GridworkClient(world.nc, { department: 'housing' });
    const asDepartment = await housing.request(probe.widget.create, { name: 'from-housing', count: 1 });
    expect(asDepartment.actingDepartment).toBe('housing');
    const asPlatform = await world.client.request(probe.widget.create, { name: 'from-platform', count: 1 });
    expect(asPlatform.actingDepartment).toBeUndefined();

    // A request on water's subject is answered on water's inbox (the service answers a department nowhere else).
    const raw = await world.nc.request('gov.ext.water.probe.widget.create', JSON.stringify({ name: 'raw', count: 2 }), {
      timeout: 5_000,
      noMux: true,
      reply: createInbox('_INBOX_water'),
    });
    expect(decodeJson(raw.data)).toMatchObject({ ok: true, data: { actingDepartment: 'water' } });
  });

  it('keeps endpoints that are not open to departments closed to them', async () => {
    const housing = new GridworkClient(world.nc, { department: 'housing' });
    const error = (await housing.request(operationsOf('probe').health.check, {}).catch((e: unknown) => e)) as GridworkError;
    expect(error.code).toBe(ErrorCode.FORBIDDEN);
    const raw = await world.nc.request('gov.ext.housing.probe.health.check', '{}', { timeout: 1_000 }).catch((e: unknown) => e);
    expect(raw).toBeInstanceOf(Error); // no responder
    expect(() => new GridworkClient(world.nc, { department: 'Bad Code' })).toThrow(/department code/);
  });

  it('names the subject the department asked on when nobody answers', async () => {
    // No dispatch service runs in this world: the department's own subject is the one it can look for in its logs and permissions.
    const housing = new GridworkClient(world.nc, { department: 'housing', timeoutMs: 2_000 });
    const error = (await housing.request(subjects.dispatch.case.get, { idOrNumber: '2026112300000001' }).catch((e: unknown) => e)) as GridworkError;
    expect({ code: error.code, message: error.message }).toEqual({
      code: ErrorCode.UNAVAILABLE,
      message: 'no dispatch service is serving gov.ext.housing.dispatch.case.get',
    });
  });
});
