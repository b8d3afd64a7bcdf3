import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Svcm } from '@nats-io/services';
import { ErrorCode, GridworkError, subjects, type ReplyEnvelope } from '@gridwork/contracts';
import { decodeJson } from '@gridwork/client';
import { probe, probeService } from './fixtures/probe.js';
import { testWorld, type TestWorld } from './world.js';

/** Proof 4: invalid and malformed requests get VALIDATION_FAILED naming the fields; the service keeps serving. */
describe('request/reply', () => {
  let world: TestWorld;
  let http: string;

  beforeAll(async () => {
    world = await testWorld(['probe']);
    const app = await world.start(probeService(), 'probe', { MAX_BODY_BYTES: '4096' });
    http = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(() => world?.dispose());

  const raw = async (body: string | Uint8Array) => {
    const reply = await world.nc.request(probe.widget.create.subject, body, { timeout: 5_000 });
    return decodeJson(reply.data) as ReplyEnvelope<unknown>;
  };
  const fieldsOf = (envelope: ReplyEnvelope<unknown>) => {
    expect(envelope.ok).toBe(false);
    if (envelope.ok) return [];
    expect(envelope.error.code).toBe(ErrorCode.VALIDATION_FAILED);
    return envelope.error.details!.map((d) => d.field).sort();
  };

  it('answers a valid request with the typed reply', async () => {
    const reply = await world.client.request(probe.widget.create, { name: 'lamp', count: 2 });
    expect(reply.id).toMatch(/^[0-9a-f-]{36}$/);
    const [row] = await world.query('probe', 'SELECT name, count FROM widget WHERE id = $1', [reply.id]);
    expect(row).toEqual({ name: 'lamp', count: 2 });
  });

  it('names a missing field, a wrong type, an unknown field and a nested one, all at once', async () => {
    const envelope = await raw(JSON.stringify({ count: 'three', colour: 'red', tag: { label: 5 } }));
    expect(fieldsOf(envelope)).toEqual(['colour', 'count', 'name', 'tag.label']);
  });

  it('refuses malformed JSON, a non-object body and an oversized body', async () => {
    const malformed = await raw('{"name": "lamp", ');
    expect(fieldsOf(malformed)).toEqual(['$']);
    expect(!malformed.ok && malformed.error.details![0]!.messages[0]).toMatch(/malformed JSON/);
    expect(fieldsOf(await raw('[1,2,3]'))).toEqual(['$']);
    const big = await raw(JSON.stringify({ name: 'x'.repeat(5_000), count: 1 }));
    expect(fieldsOf(big)).toEqual(['$']);
    expect(!big.ok && big.error.details![0]!.messages[0]).toMatch(/over the limit of 4096/);
  });

  it('refuses __proto__, constructor and prototype keys, at the top and nested, naming them, and changes nothing', async () => {
    const before = await world.query('probe', 'SELECT count(*)::int AS n FROM widget');
    const valid = '"name": "lamp", "count": 1';
    const bodies: Array<[string, string[]]> = [
      [`{${valid}, "__proto__": {"polluted": true}}`, ['__proto__']],
      [`{${valid}, "constructor": {"prototype": {"polluted": true}}}`, ['constructor']],
      [`{${valid}, "prototype": {"polluted": true}}`, ['prototype']],
      [`{${valid}, "tag": {"label": "a", "__proto__": {"polluted": true}}}`, ['tag.__proto__']],
      [`{${valid}, "tag": {"label": "a", "constructor": {"prototype": {"polluted": true}}}}`, ['tag.constructor']],
      [`{${valid}, "tag": {"label": "a", "prototype": {"polluted": true}}}`, ['tag.prototype']],
      // The same key spelt with a JSON escape is the same key once parsed.
      [`{${valid}, "__pro\\u0074o__": {"polluted": true}}`, ['__proto__']],
      // Named together with the other wrong fields.
      [`{"count": "three", "__proto__": {}, "constructor": 1}`, ['__proto__', 'constructor', 'count', 'name']],
    ];
    for (const [body, fields] of bodies) expect(fieldsOf(await raw(body)), body).toEqual(fields);
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(await world.query('probe', 'SELECT count(*)::int AS n FROM widget')).toEqual(before);
  });

  it('throws a typed error through the client and stores nothing for a bad request', async () => {
    const before = await world.query('probe', 'SELECT count(*)::int AS n FROM widget');
    const error = await world.client.request(probe.widget.create, { name: '', count: -1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GridworkError);
    expect((error as GridworkError).code).toBe(ErrorCode.VALIDATION_FAILED);
    expect((error as GridworkError).details!.map((d) => d.field).sort()).toEqual(['count', 'name']);
    expect(await world.query('probe', 'SELECT count(*)::int AS n FROM widget')).toEqual(before);
  });

  it('turns an unexpected handler failure into INTERNAL without leaking it, and keeps serving', async () => {
    const error = (await world.client.request(probe.widget.create, { name: 'explode', count: 1 }).catch((e: unknown) => e)) as GridworkError;
    expect(error.code).toBe(ErrorCode.INTERNAL);
    expect(error.message).not.toMatch(/unexpected failure/);
    const after = await world.client.request(probe.widget.create, { name: 'still-serving', count: 1 });
    expect(after.servedBy).toBe('a');
  });

  it('carries the caller\'s trace and correlation id into the events it writes', async () => {
    const traceId = 'a'.repeat(32);
    const reply = await world.client.request(
      probe.widget.create,
      { name: 'traced', count: 1 },
      { traceparent: `00-${traceId}-${'b'.repeat(16)}-01`, correlationId: 'case-42' },
    );
    const [row] = await world.query<{ headers: Record<string, string> }>(
      'probe',
      "SELECT headers FROM outbox WHERE payload->>'id' = $1",
      [reply.id],
    );
    expect(row!.headers['traceparent']).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(row!.headers['Gov-Correlation-Id']).toBe('case-42');
    expect(row!.headers['Gov-Schema']).toBe('probe.widget.created/1');
  });

  it('says UNAVAILABLE when no service serves a subject', async () => {
    const error = (await world.client.request(subjects.dispatch.health.check, {}).catch((e: unknown) => e)) as GridworkError;
    expect(error.code).toBe(ErrorCode.UNAVAILABLE);
  });

  it('answers its health check over NATS', async () => {
    const health = await world.client.request({ ...subjects.org.health.check, subject: 'gov.probe.health.check' }, {});
    expect(health).toMatchObject({ service: 'probe', status: 'up' });
    expect(health.dependencies.map((d) => d.status)).toEqual(['up', 'up']);
  });

  it('shows its endpoints, request counts, errors and processing time through $SRV', async () => {
    const client = new Svcm(world.nc).client();
    const pings = [];
    for await (const p of await client.ping('probe')) pings.push(p);
    expect(pings).toHaveLength(1);
    const infos = [];
    for await (const i of await client.info('probe')) infos.push(i);
    expect(infos[0]!.endpoints.map((e) => e.subject)).toContain(probe.widget.create.subject);
    const stats = [];
    for await (const s of await client.stats('probe')) stats.push(s);
    const create = stats[0]!.endpoints!.find((e) => e.subject === probe.widget.create.subject)!;
    expect(create.num_requests).toBeGreaterThanOrEqual(8);
    expect(create.num_errors).toBeGreaterThanOrEqual(5);
    expect(create.processing_time).toBeGreaterThan(0);
    expect(create.queue_group).toBe('probe');
  });

  it('reports readiness and Prometheus metrics over HTTP', async () => {
    const ready = await fetch(`${http}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ service: 'probe', status: 'up' });
    const metrics = await (await fetch(`${http}/metrics`)).text();
    expect(metrics).toMatch(/gov_requests_total\{subject="gov\.probe\.widget\.create",outcome="VALIDATION_FAILED",service="probe"\} [1-9]/);
    expect(metrics).toMatch(/gov_request_duration_seconds_count\{[^}]*subject="gov\.probe\.widget\.create"[^}]*\} [1-9]/);
  });
});
