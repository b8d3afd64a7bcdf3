import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { startNatsServer, testDatabaseServerUrl, waitFor, type NatsServerProcess } from '@gridwork/testing';

/*
 * `npm start` as a supervisor, `timeout` or a container runtime runs it: a
 * child process that is sent SIGTERM or SIGINT, or a terminal's Ctrl-C, which
 * reaches the whole foreground process group. Whichever it is, every app must
 * stop and give its port back.
 *
 * The platform started here is the test's own: a private nats-server, free
 * HTTP ports, and databases with a prefix of their own (dropped at the end),
 * so it never meets a developer's `npm start`. It runs the built apps
 * (`npm test` builds first).
 */

const ROOT = resolve(import.meta.dirname, '../../..');
const APPS_DIR = join(ROOT, 'apps');
const APPS = readdirSync(APPS_DIR).filter((app) => existsSync(join(APPS_DIR, app, 'package.json')));
const DATABASE_PREFIX = `gridwork_test_start_${randomBytes(3).toString('hex')}_`;

let nats: NatsServerProcess;
let pgServer: string;

beforeAll(async () => {
  const unbuilt = APPS.filter((app) => !existsSync(join(APPS_DIR, app, 'dist', 'main.js')));
  // npm start would build them itself, for longer than a test waits.
  if (unbuilt.length > 0) throw new Error(`build first (npx tsc -b tsconfig.build.json): no dist/main.js in ${unbuilt.join(', ')}`);
  nats = await startNatsServer();
  pgServer = await testDatabaseServerUrl();
});

afterAll(async () => {
  await nats?.dispose();
  if (!pgServer) return;
  const client = new pg.Client({ connectionString: pgServer });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, [DATABASE_PREFIX]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
});

/** A port nothing listens on right now (the kernel's pick). */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = net.createServer();
    server.once('error', fail);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => done(port));
    });
  });
}

/** Whether a server can listen on the port, as an app starting there would. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = net.createServer();
    server.once('error', () => done(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => done(true)));
  });
}

/** Every process below `pid`, from /proc (the apps sit in sessions of their own, so a process group would not find them). */
function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Whether the process still runs (a zombie has exited and let go of its ports; only its parent has not collected it yet). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

interface Platform {
  npm: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** npm's process and every process below it once all apps were ready. */
  pids: number[];
  ports: number[];
  output(): string;
}

let running: Platform | undefined;

/** `npm start` against the test's servers, once it says every app is ready. */
async function startPlatform(): Promise<Platform> {
  const ports = await Promise.all(APPS.map(() => freePort()));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PG_URL: pgServer,
    DATABASE_PREFIX,
    NATS_URL: nats.url,
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    NO_COLOR: '1',
  };
  APPS.forEach((app, i) => (env[`${app.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_HTTP_PORT`] = String(ports[i])));
  // detached: npm leads a process group of its own, as a shell's foreground job does.
  const npm = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  npm.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  npm.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    npm.once('exit', (code, signal) => done({ code, signal })),
  );
  const platform: Platform = { npm, exited, pids: [npm.pid!], ports, output: () => output };
  running = platform;
  await waitFor(
    'npm start to say every app is ready',
    () => {
      if (npm.exitCode !== null) throw new Error(`npm start exited (${npm.exitCode}):\n${output.slice(-4_000)}`);
      return output.includes('Gridwork is running');
    },
    90_000,
    200,
  );
  expect(output, output.slice(-4_000)).not.toMatch(/not ready after/);
  platform.pids.push(...descendantsOf(npm.pid!));
  return platform;
}

/** Waits until npm, the start script and every app are gone and every port is free again. */
async function expectAllGone(platform: Platform): Promise<void> {
  const npmExit = await Promise.race([platform.exited, new Promise<'still running'>((done) => setTimeout(() => done('still running'), 20_000).unref())]);
  expect(npmExit, `npm start exits within 20 s\n${platform.output().slice(-4_000)}`).not.toBe('still running');
  const left = () => platform.pids.filter(isRunning);
  await waitFor('every process of npm start to exit', () => left().length === 0, 20_000, 100).catch((err: Error) => {
    throw new Error(`${err.message}; still running: ${left().join(', ')}\n${platform.output().slice(-4_000)}`);
  });
  for (const port of platform.ports) expect(await portIsFree(port), `port ${port} is free`).toBe(true);
}

afterEach(() => {
  // A failed test must not leave its apps behind (on a broken start script they outlive npm).
  for (const pid of running?.pids ?? []) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  running = undefined;
});

describe('npm start stops every app', { timeout: 150_000 }, () => {
  it('when npm is sent SIGTERM', async () => {
    const platform = await startPlatform();
    // npm itself, the start script, and one process per app.
    expect(platform.pids.length).toBeGreaterThanOrEqual(APPS.length + 2);
    for (const port of platform.ports) expect(await portIsFree(port)).toBe(false);

    platform.npm.kill('SIGTERM');
    await expectAllGone(platform);
    expect(platform.output()).toContain('all stopped.');
  });

  it('when npm is sent SIGINT', async () => {
    const platform = await startPlatform();
    platform.npm.kill('SIGINT');
    await expectAllGone(platform);
    expect(platform.output()).toContain('all stopped.');
  });

  it('on Ctrl-C in a terminal (SIGINT to the whole foreground process group)', async () => {
    const platform = await startPlatform();
    process.kill(-platform.npm.pid!, 'SIGINT');
    await expectAllGone(platform);
    expect(platform.output()).toContain('all stopped.');
  });

  it('when the start script itself is sent SIGTERM', async () => {
    const platform = await startPlatform();
    // node's own process, not a shell whose command line names the script.
    const script = platform.pids.find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[1]?.endsWith('start/start.mjs'));
    expect(script).toBeDefined();
    process.kill(script!, 'SIGTERM');
    await expectAllGone(platform);
    expect(platform.output()).toContain('all stopped.');
  });

  it('when npm is killed outright (SIGKILL), so that nothing forwards a signal', async () => {
    const platform = await startPlatform();
    platform.npm.kill('SIGKILL');
    await expectAllGone(platform);
    expect(platform.output()).toContain('is gone.');
  });
});
