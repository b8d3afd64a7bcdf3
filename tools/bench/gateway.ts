import 'reflect-metadata';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { subjects, type ReportCaseRequest } from '@gridwork/contracts';
import { GridworkClient } from '@gridwork/client';
import { createTestDatabase, freePort, startNatsServer } from '@gridwork/testing';
import { dispatchAnswers, seedGridReadModel, startDispatchDeployment } from './dispatch-world.js';
import { cleanups, log, runBench, startService } from './run.js';
import { closedLoop, fmt, fmtInt, int, paced, summarize, table, until, type Summary } from './stats.js';

/*
 * What the gateway adds (issue: under 3 ms at p50 over calling the service
 * on NATS), and Open311 posts per second with their p95. Dispatch (two
 * processes, as deployed) and the gateway run as their own processes on a
 * private nats-server and throw-away databases. In the same run, round by
 * round so that other work on the machine falls on both:
 *  1. reading a case: `case.get` over NATS against `GET /dispatch/cases/{id}`
 *     with a signed-in dispatcher's token, one call at a time;
 *  2. reporting a case: `case.report` over NATS against Open311's
 *     `POST /open311/v2/requests.json` (form-encoded, with an app's key), at
 *     BENCH_RATE a second, then as fast as BENCH_CONCURRENCY in flight go.
 *
 * Usage: npm run bench:gateway
 * Env: BENCH_READS (2000 a round), BENCH_ROUNDS (3), BENCH_RATE (200 posts/s),
 *      BENCH_SECONDS (10 at that rate), BENCH_CLOSED (3000 posts), BENCH_CONCURRENCY (16).
 */

const READS = int('BENCH_READS', 2_000);
const ROUNDS = int('BENCH_ROUNDS', 3);
const RATE = int('BENCH_RATE', 200);
const SECONDS = int('BENCH_SECONDS', 10);
const CLOSED = int('BENCH_CLOSED', 3_000);
const CONCURRENCY = int('BENCH_CONCURRENCY', 16);
const TARGET_ADDED_P50_MS = 3;
const ADMIN = { username: 'bench-admin', password: 'a long bench admin passphrase' };

/** Inside the bench city's grids (see seedGridReadModel), spread over them. */
const pointOf = (i: number) => ({ longitude: 113.2 + ((i * 7919) % 3200) / 10_000, latitude: 23.0 + ((i * 104_729) % 3200) / 10_000 });

async function main(): Promise<void> {
  const nats = await startNatsServer();
  cleanups.push(() => nats.dispose());
  const dispatchDb = await createTestDatabase('bench_gateway_dispatch');
  cleanups.push(() => dispatchDb.drop());
  const gatewayDb = await createTestDatabase('bench_gateway');
  cleanups.push(() => gatewayDb.drop());
  const nc: NatsConnection = await connect({ servers: nats.url, noAsyncTraces: true });
  cleanups.push(() => nc.close());
  const client = new GridworkClient(nc, { timeoutMs: 30_000 });

  log('starting dispatch and the gateway');
  await startDispatchDeployment(dispatchDb.url, nats.url);
  await dispatchAnswers(client);
  await seedGridReadModel(dispatchDb.url, 'B', 32);
  await client.request(subjects.dispatch.category.define, {
    code: 'roads',
    name: 'Roads',
    responsible: { kind: 'department', department: 'housing' },
    acceptHours: 2,
    completeHours: 48,
    hoursKind: 'calendar',
  });
  const port = await freePort();
  startService('gateway', gatewayDb.url, nats.url, {
    HTTP_PORT: String(port),
    GATEWAY_TOKEN_SECRET: 'bench-secret-that-is-long-enough-for-hs256',
    GATEWAY_ADMIN_USERNAME: ADMIN.username,
    GATEWAY_ADMIN_PASSWORD: ADMIN.password,
    // Limits far above what the bench sends: it measures the path, not the limiter's refusals.
    GATEWAY_RATE_LIMIT_PER_ADDRESS: '1000000',
    GATEWAY_RATE_LIMIT_PER_TOKEN: '1000000',
  });
  const base = `http://127.0.0.1:${port}`;
  await until('the gateway to be ready', () => fetch(`${base}/health/ready`).then((r) => r.ok, () => false), 60_000, 200);
  const json = async (path: string, body: unknown, token?: string) => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<Record<string, string>>;
  };
  const admin = (await json('/auth/sign-in', ADMIN)).accessToken!;
  await json('/admin/accounts', { username: 'dispatcher', displayName: 'Bench dispatcher', password: ADMIN.password, grants: [{ role: 'dispatcher', areaCode: 'B' }] }, admin);
  const dispatcher = (await json('/auth/sign-in', { username: 'dispatcher', password: ADMIN.password })).accessToken!;
  const apiKey = (await json('/admin/api-keys', { name: 'Bench app' }, admin)).key!;

  let n = 0;
  const report = (): ReportCaseRequest => ({ idempotencyKey: `bench-${++n}`, channel: 'hotline-12345', categoryCode: 'roads', description: 'Pothole', location: pointOf(n) });
  const ids: string[] = [];
  for (let i = 0; i < 200; i++) ids.push((await client.request(subjects.dispatch.case.report, report())).case.id);

  // 1. Reading a case, one at a time, NATS and HTTP in alternate rounds.
  const overNats = async (i: number) => client.request(subjects.dispatch.case.get, { idOrNumber: ids[i % ids.length]! });
  const overHttp = async (i: number) => {
    const response = await fetch(`${base}/dispatch/cases/${ids[i % ids.length]}`, { headers: { authorization: `Bearer ${dispatcher}` } });
    if (response.status !== 200) throw new Error(`GET case: ${response.status}`);
    await response.arrayBuffer();
  };
  log('warming up');
  await closedLoop(500, 1, overNats);
  await closedLoop(500, 1, overHttp);
  const reads = { nats: new Float64Array(READS * ROUNDS), http: new Float64Array(READS * ROUNDS) };
  const readSeconds = { nats: 0, http: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    log(`reading, round ${round + 1} of ${ROUNDS}`);
    readSeconds.nats += await closedLoop(READS, 1, overNats, reads.nats, round * READS);
    readSeconds.http += await closedLoop(READS, 1, overHttp, reads.http, round * READS);
  }
  const readNats = summarize(reads.nats, READS * ROUNDS, readSeconds.nats);
  const readHttp = summarize(reads.http, READS * ROUNDS, readSeconds.http);

  // 2. Reporting: NATS case.report against Open311 posts, paced, then closed loop.
  const reportOverNats = async () => client.request(subjects.dispatch.case.report, report());
  const postOpen311 = async () => {
    const at = pointOf(++n);
    const response = await fetch(`${base}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ api_key: apiKey, service_code: 'roads', lat: String(at.latitude), long: String(at.longitude), description: 'Pothole by the gate' }),
    });
    if (response.status !== 201) throw new Error(`Open311 post: ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
  };
  const count = RATE * SECONDS;
  const pacedNats = new Float64Array(count);
  const pacedHttp = new Float64Array(count);
  log(`reporting at ${RATE}/s for ${SECONDS} s, over NATS and then over Open311`);
  const pacedNatsSummary = summarize(pacedNats, count, await paced(count, RATE, reportOverNats, pacedNats));
  const pacedHttpSummary = summarize(pacedHttp, count, await paced(count, RATE, postOpen311, pacedHttp));
  log(`reporting as fast as ${CONCURRENCY} in flight go (${CLOSED} each)`);
  const closedNats = new Float64Array(CLOSED);
  const closedHttp = new Float64Array(CLOSED);
  const closedNatsSummary = summarize(closedNats, CLOSED, await closedLoop(CLOSED, CONCURRENCY, reportOverNats, closedNats));
  const closedHttpSummary = summarize(closedHttp, CLOSED, await closedLoop(CLOSED, CONCURRENCY, postOpen311, closedHttp));

  const row = (name: string, s: Summary) => [name, fmtInt(s.perSecond), fmt(s.p50), fmt(s.p95), fmt(s.p99), fmt(s.max)];
  const header = ['', 'per s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'];
  const added = readHttp.p50 - readNats.p50;
  process.stdout.write(
    [
      '',
      `Reading a case, one call at a time (${fmtInt(READS * ROUNDS)} each, ${ROUNDS} alternate rounds):`,
      table([header, row('case.get over NATS (baseline)', readNats), row('GET /dispatch/cases/{id} through the gateway', readHttp)]),
      `The gateway adds ${fmt(added)} ms at p50 (target under ${TARGET_ADDED_P50_MS} ms) and ${fmt(readHttp.p95 - readNats.p95)} ms at p95.`,
      '',
      `Reporting a case at ${RATE}/s for ${SECONDS} s:`,
      table([header, row('case.report over NATS (baseline)', pacedNatsSummary), row('Open311 POST requests.json', pacedHttpSummary)]),
      '',
      `Reporting a case, ${CONCURRENCY} in flight (${fmtInt(CLOSED)} each):`,
      table([header, row('case.report over NATS (baseline)', closedNatsSummary), row('Open311 POST requests.json', closedHttpSummary)]),
      '',
    ].join('\n'),
  );
  if (added >= TARGET_ADDED_P50_MS) process.exitCode = 2;
}

runBench(main);
