import type { ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { subjects, type ReportCaseRequest } from '@gridwork/contracts';
import type { GridworkClient } from '@gridwork/client';
import type { ProcessGroup } from './cpu.js';
import { serviceAnswers, startService } from './run.js';

/*
 * What the dispatch benchmarks share: the dispatch service as a child
 * process (dist build) and the open-loop intake run; logging and clean-up
 * come from run.ts, shared with the other benchmarks.
 */


export { cleanup, cleanups, log, runBench } from './run.js';

/** The built dispatch service as a child process, stopped by `cleanup()` (see `startService`). */
export async function startDispatch(databaseUrl: string, natsUrl: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  return startService('dispatch', databaseUrl, natsUrl, env);
}

/**
 * Starts dispatch as a deployment under load runs it (SERVICE_ROLES): one
 * process serving requests and one running events (relay, consumers,
 * timers); with BENCH_ONE_PROCESS=1, a single process doing both.
 */
export async function startDispatchDeployment(databaseUrl: string, natsUrl: string): Promise<DispatchDeployment> {
  if (process.env.BENCH_ONE_PROCESS === '1') {
    const both = await startDispatch(databaseUrl, natsUrl);
    return { description: 'one process (requests and events)', processes: { dispatch: both.pid! } };
  }
  // The events process first: it runs the migrations; the requests process finds them done.
  const events = await startDispatch(databaseUrl, natsUrl, { SERVICE_ROLES: 'events' });
  const requests = await startDispatch(databaseUrl, natsUrl, { SERVICE_ROLES: 'requests' });
  return { description: 'two processes (SERVICE_ROLES requests / events)', processes: { 'dispatch requests': requests.pid!, 'dispatch events': events.pid! } };
}

export interface DispatchDeployment {
  description: string;
  /** The dispatch processes by name, for measuring their CPU. */
  processes: Record<string, number>;
}

/** Where the cores go while dispatch is under load: its processes, PostgreSQL, the private nats-server and this benchmark. */
export function dispatchCpuGroups(deployment: DispatchDeployment, natsPid: number | undefined): ProcessGroup[] {
  return [
    ...Object.entries(deployment.processes).map(([name, pid]) => ({ name, has: (p: number) => p === pid })),
    { name: 'PostgreSQL', has: (_: number, command: string) => command.startsWith('postgres') || command.includes('/postgres ') },
    { name: 'NATS', has: (p: number) => p === natsPid },
    { name: 'load generator', has: (p: number) => p === process.pid },
  ];
}

/** Waits until the dispatch service answers its health check over NATS. */
export function dispatchAnswers(client: GridworkClient, timeoutMs = 60_000): Promise<void> {
  return serviceAnswers(client, subjects.dispatch.health.check, undefined, timeoutMs);
}

/** Offers `rate` reports a second for `seconds`, each sent when due whatever is in flight (open loop). */
export async function openLoop(
  client: GridworkClient,
  rate: number,
  seconds: number,
  report: () => ReportCaseRequest,
): Promise<{ latencies: Float64Array; seconds: number; sent: number }> {
  const total = rate * seconds;
  const latencies = new Float64Array(total);
  let sent = 0;
  const started = performance.now();
  const pending: Promise<void>[] = [];
  while (sent < total) {
    const dueCount = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
    while (sent < dueCount) {
      const i = sent++;
      const t0 = performance.now();
      pending.push(
        client.request(subjects.dispatch.case.report, report(), { timeoutMs: 30_000 }).then(() => {
          latencies[i] = performance.now() - t0;
        }),
      );
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(pending);
  return { latencies, seconds: (performance.now() - started) / 1000, sent };
}

/**
 * A city of `side` × `side` grids of 0.01° near Guangzhou, with the four
 * levels above them (codes `city`, `city`1, `city`11, `city`111), written
 * straight into dispatch's read model of grid's areas: what the intake
 * benchmarks and the fault drill locate their reports in.
 */
export async function seedGridReadModel(url: string, city: string, side: number): Promise<void> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const [district, township, community] = [`${city}1`, `${city}11`, `${city}111`];
    await db.query(
      `INSERT INTO known_area (code, name, level, parent_code, path) VALUES
        ($1, 'Bench city', 'city', NULL, ARRAY[$1]), ($2, 'District', 'district', $1, ARRAY[$1, $2]),
        ($3, 'Township', 'township', $2, ARRAY[$1, $2, $3]), ($4, 'Community', 'community', $3, ARRAY[$1, $2, $3, $4])`,
      [city, district, township, community],
    );
    await db.query(
      `INSERT INTO known_area (code, name, level, parent_code, path, boundary)
       SELECT 'G' || x || '-' || y, 'Grid', 'grid', $5, ARRAY[$2, $3, $4, $5, 'G' || x || '-' || y],
              ST_Multi(ST_MakeEnvelope(113.2 + x * 0.01, 23.0 + y * 0.01, 113.2 + (x + 1) * 0.01, 23.0 + (y + 1) * 0.01, 4326))
         FROM generate_series(0, $1 - 1) x, generate_series(0, $1 - 1) y`,
      [side, city, district, township, community],
    );
  } finally {
    await db.end();
  }
}

/** The intake benchmarks' world: the bench city's grids in dispatch's read model, and the grid-level category their reports are of. */
export async function prepareIntakeWorld(url: string, client: GridworkClient, side: number): Promise<void> {
  await seedGridReadModel(url, 'B', side);
  await client.request(subjects.dispatch.category.define, {
    code: 'environment',
    name: 'Environment',
    responsible: { kind: 'level', level: 'grid' },
    acceptHours: 2,
    completeHours: 24,
    hoursKind: 'working',
  });
}

