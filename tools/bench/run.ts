import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EndpointDefinition } from '@gridwork/contracts';
import type { GridworkClient } from '@gridwork/client';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import pg from 'pg';
import { until } from './stats.js';

/*
 * What every benchmark shares: its log, clean-up on exit (also on SIGINT and
 * SIGTERM), and a built service (apps/<service>/dist/main.js) as a child
 * process.
 */

export const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

/** Steps run in reverse order by `cleanup()`: child processes, connections, throw-away databases. */
export const cleanups: (() => Promise<unknown>)[] = [];
export const cleanup = async () => {
  for (const step of cleanups.splice(0).reverse()) await step().catch((error) => log(`cleanup: ${error}`));
};

/**
 * Runs `main`, cleaning up after it (and on SIGINT/SIGTERM); exits with
 * `process.exitCode` (0 unless `main` set it, e.g. for a missed target), or 1
 * on a failure.
 */
export function runBench(main: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      log(`${signal}: cleaning up`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  main()
    .finally(cleanup)
    .then(
      () => process.exit(process.exitCode ?? 0),
      (error) => {
        log(`failed: ${error instanceof Error ? error.stack : String(error)}`);
        process.exit(1);
      },
    );
}

/**
 * Starts the built `service` (apps/<service>/dist/main.js) on `databaseUrl`
 * and `natsUrl` as a child process, stopped by `cleanup()` (SIGTERM, then
 * SIGKILL after 10 s). BENCH_SERVICE_NODE_ARGS passes node flags to it
 * (e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof').
 */
export function startService(service: string, databaseUrl: string, natsUrl: string, env: Record<string, string> = {}): ChildProcess {
  const main = fileURLToPath(new URL(`../../../apps/${service}/dist/main.js`, import.meta.url));
  if (!existsSync(main)) throw new Error(`${main} is missing: build first (npm run build)`);
  const nodeArgs = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, main], {
    env: { ...process.env, DATABASE_URL: databaseUrl, NATS_URL: natsUrl, HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  cleanups.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  });
  return child;
}

/** Waits until a service answers its health check over NATS; fails at once if its `child` process (when given) exits first. */
export async function serviceAnswers(
  client: GridworkClient,
  health: EndpointDefinition<object, { status: string }>,
  child: ChildProcess | undefined,
  timeoutMs: number,
): Promise<void> {
  const answers = until(
    'the service to answer its health check',
    () => client.request(health, {}, { timeoutMs: 1_000 }).then((h) => h.status === 'up', () => false),
    timeoutMs,
    200,
  );
  if (!child) return answers;
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => reject(new Error(`the service exited (${signal ?? code}) while starting`))),
  );
  exited.catch(() => undefined);
  await Promise.race([answers, exited]);
}

/** Drops a benchmark's database (kept between runs) so it is generated afresh. */
export async function dropDatabase(url: string): Promise<void> {
  const admin = new URL(url);
  const name = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const db = new pg.Client({ connectionString: admin.toString() });
  await db.connect();
  try {
    await db.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await db.end();
  }
}

/** A bare NATS request/reply echo on the same server: what any request costs here before the service does anything. */
export async function bareEcho(nc: NatsConnection): Promise<(body: string) => Promise<unknown>> {
  const responder = await connect({ servers: nc.getServer(), name: 'bench-bare-responder' });
  cleanups.push(() => responder.close());
  responder.subscribe('bare.echo', { callback: (_, msg) => void msg.respond(msg.data) });
  await responder.flush();
  return (body) => nc.request('bare.echo', body, { timeout: 10_000 });
}
