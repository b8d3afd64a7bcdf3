import 'reflect-metadata';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { subjects, type ReportCaseRequest } from '@gridwork/contracts';
import { GridworkClient } from '@gridwork/client';
import { createTestDatabase, startNatsServer } from '@gridwork/testing';
import { startShippedNats } from '../deploy/shipped-nats.js';
import { cleanups, dispatchAnswers, log, runBench, startDispatch } from './dispatch-world.js';
import { closedLoop, fmt, fmtInt, int, summarize, table } from './stats.js';
import { processCpuSeconds } from './cpu.js';
import { prepareIntakeWorld } from './dispatch-world.js';

/*
 * Dispatch intake sent by a department system (gov.ext.housing.dispatch.case.report),
 * in two configurations side by side in one run (issue #10: accounts may
 * cost at most 10 % of throughput):
 *   today:    one account, no authentication (the configuration before accounts:
 *             the department and the services share it);
 *   accounts: the shipped deploy/nats configuration, the department in its own
 *             account reaching dispatch through its service import, dispatch
 *             with its issued user and least rights.
 * Each has its own nats-server, dispatch (one process, requests and events)
 * and database with the same 1,024 grids; closed-loop rounds alternate
 * between them, so a busy spell on the shared machine falls on both.
 *
 * Usage: npm run bench:dispatch-intake-department
 * Env: BENCH_CLOSED (4000 reports a round), BENCH_CONCURRENCY (64), BENCH_ROUNDS (3)
 */

const CLOSED = int('BENCH_CLOSED', 4_000);
const CONCURRENCY = int('BENCH_CONCURRENCY', 64);
const ROUNDS = int('BENCH_ROUNDS', 3);
const GRID_SIDE = 32;

interface Setup {
  name: string;
  /** The department system's client. */
  housing: GridworkClient;
  /** The processes whose CPU a round is charged: its nats-server and dispatch. */
  pids: { nats: number; dispatch: number };
}


/** Dispatch on `natsUrl` with its database seeded and the category defined, asked by `platform`. */
async function startDispatchOn(natsUrl: string, platform: GridworkClient, env: Record<string, string>): Promise<number> {
  const db = await createTestDatabase('bench_dispatch');
  cleanups.push(() => db.drop());
  const child = await startDispatch(db.url, natsUrl, env);
  await dispatchAnswers(platform);
  await prepareIntakeWorld(db.url, platform, GRID_SIDE);
  return child.pid!;
}

async function today(): Promise<Setup> {
  const nats = await startNatsServer();
  cleanups.push(() => nats.dispose());
  const connection = (inboxPrefix?: string) => connect({ servers: nats.url, noAsyncTraces: true, ...(inboxPrefix ? { inboxPrefix } : {}) });
  const platform: NatsConnection = await connection();
  const department: NatsConnection = await connection('_INBOX_housing');
  cleanups.push(() => platform.close(), () => department.close());
  // Housing's notice consumer exists here too (a department made its own before): the two differ only in accounts.
  const dispatch = await startDispatchOn(nats.url, new GridworkClient(platform, { timeoutMs: 30_000 }), { DEPARTMENTS: 'housing' });
  return { name: 'today (one account)', housing: new GridworkClient(department, { department: 'housing', timeoutMs: 30_000 }), pids: { nats: nats.pid!, dispatch } };
}

async function accounts(): Promise<Setup> {
  const nats = await startShippedNats({ services: ['dispatch', 'gateway'], departments: ['housing'] });
  cleanups.push(() => nats.dispose());
  const platform = await nats.connectAs('gateway');
  const department = await nats.connectAs('housing');
  const dispatch = await startDispatchOn(nats.url, new GridworkClient(platform, { timeoutMs: 30_000 }), {
    NATS_CREDS_FILE: join(nats.creds, 'dispatch.creds'),
    DEPARTMENTS: 'housing',
  });
  return { name: 'accounts (shipped deploy/nats)', housing: new GridworkClient(department, { department: 'housing', timeoutMs: 30_000 }), pids: { nats: nats.pid!, dispatch } };
}

let seq = 0;
const report = (run: string): ReportCaseRequest => ({
  idempotencyKey: `${run}-${++seq}`,
  channel: 'department',
  categoryCode: 'environment',
  description: 'Overflowing bins at the corner of the market street, seen by a housing inspector',
  location: { longitude: 113.2 + Math.random() * GRID_SIDE * 0.01, latitude: 23.0 + Math.random() * GRID_SIDE * 0.01 },
});

async function main(): Promise<void> {
  log('starting both configurations');
  const setups = [await today(), await accounts()];
  for (const setup of setups) {
    log(`warming up: ${setup.name}`);
    await closedLoop(1_000, CONCURRENCY, () => setup.housing.request(subjects.dispatch.case.report, report('warm')));
  }
  const rows: string[][] = [['round', 'configuration', 'cases', 'cases/s', 'p50 ms', 'p95 ms', 'p99 ms', 'CPU ms/case: nats', 'dispatch', 'sender']];
  const perSecond: Record<string, number[]> = Object.fromEntries(setups.map((s) => [s.name, []]));
  const cpuPerCase: Record<string, number[]> = Object.fromEntries(setups.map((s) => [s.name, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    // Alternate which goes first, so neither always follows the other's outbox work.
    for (const setup of round % 2 ? setups : [...setups].reverse()) {
      log(`round ${round}: ${setup.name}, ${CLOSED} reports, ${CONCURRENCY} in flight`);
      const latencies = new Float64Array(CLOSED);
      // CPU is the steadier measure on a shared machine: what each case costs, whoever else was busy.
      const cpuBefore = [processCpuSeconds(setup.pids.nats), processCpuSeconds(setup.pids.dispatch), process.cpuUsage()] as const;
      const seconds = await closedLoop(CLOSED, CONCURRENCY, () => setup.housing.request(subjects.dispatch.case.report, report(`r${round}`)), latencies);
      const sender = process.cpuUsage(cpuBefore[2]);
      const msPerCase = [
        ((processCpuSeconds(setup.pids.nats) - cpuBefore[0]) * 1000) / CLOSED,
        ((processCpuSeconds(setup.pids.dispatch) - cpuBefore[1]) * 1000) / CLOSED,
        (sender.user + sender.system) / 1000 / CLOSED,
      ];
      const s = summarize(latencies, CLOSED, seconds);
      perSecond[setup.name]!.push(s.perSecond);
      cpuPerCase[setup.name]!.push(msPerCase.reduce((a, b) => a + b, 0));
      rows.push([String(round), setup.name, fmtInt(s.count), fmtInt(s.perSecond), fmt(s.p50), fmt(s.p95), fmt(s.p99), ...msPerCase.map((v) => fmt(v, 3))]);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const [base, withAccounts] = setups.map((s) => median(perSecond[s.name]!));
  const cost = 1 - withAccounts! / base!;
  const [baseCpu, accountsCpu] = setups.map((s) => median(cpuPerCase[s.name]!));
  process.stdout.write(
    `\nDispatch intake sent by a department (gov.ext.housing.dispatch.case.report; dispatch as one process; ${GRID_SIDE * GRID_SIDE} grids)\n\n` +
      table(rows) +
      `\nMedian cases/s: today ${fmtInt(base!)}, accounts ${fmtInt(withAccounts!)}: accounts cost ${fmt(cost * 100, 1)} % of throughput` +
      `\nMedian CPU per case (nats + dispatch + sender): today ${fmt(baseCpu!, 3)} ms, accounts ${fmt(accountsCpu!, 3)} ms (${fmt((accountsCpu! / baseCpu! - 1) * 100, 1)} %)` +
      `\nMachine load average at the end: ${loadavg().map((l) => fmt(l, 1)).join(' ')} on ${availableParallelism()} cores (a shared machine makes cases/s noisy)` +
      `\nMust hold: ≤ 10 % — ${cost <= 0.1 ? 'met' : 'NOT met'}\n`,
  );
}

runBench(main);
