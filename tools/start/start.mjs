#!/usr/bin/env node
// `npm start`: builds if needed, checks PostgreSQL and NATS, runs every app
// as a child process with its output prefixed, prints where each one answers
// once all are ready, and stops them all together (Ctrl-C, SIGINT or SIGTERM
// to npm or to this script, or when one of them dies).
//
// package.json runs it as `exec node tools/start/start.mjs`: npm runs a script
// through `sh -c` and sends the signals it gets to that shell only, which
// dies of SIGTERM (leaving this script and the apps running) and sits out
// SIGINT. With `exec` the shell becomes this script, so npm's signals land
// here.
//
// Environment:
//   PG_URL         postgres://user[:password]@host:port   (default postgres://postgres@127.0.0.1:5432)
//                  each app gets DATABASE_URL=${PG_URL}/${DATABASE_PREFIX}<app>
//   DATABASE_PREFIX  what each app's database name starts with (default gov_)
//   NATS_URL       nats://host:port[,nats://host:port...] (default nats://127.0.0.1:4222)
//   HTTP_HOST      interface the apps listen on           (default 127.0.0.1)
//   <APP>_HTTP_PORT  e.g. DISPATCH_HTTP_PORT=4003 moves one app
//   LOG_FORMAT=pretty  shorter log lines instead of raw JSON
//   READY_TIMEOUT_MS   how long to wait for every /health/ready (default 120000)
//   GATEWAY_TOKEN_SECRET  the gateway's token key (default: a new one each run)
//   GATEWAY_ADMIN_USERNAME, GATEWAY_ADMIN_PASSWORD  the first platform admin, made when the gateway has no account
// Everything else (LOG_LEVEL, NATS_CREDS_FILE, STREAM_REPLICAS, ...) is passed through.

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import net from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { supportedNode } from '../ci/supported-node.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const APPS_DIR = join(ROOT, 'apps');

/** The fixed HTTP ports; an app not listed here gets the next port from 3006 up. */
const PORTS = { gateway: 3000, org: 3001, grid: 3002, dispatch: 3003, timebank: 3004, admission: 3005 };

const PG_URL = process.env.PG_URL || 'postgres://postgres@127.0.0.1:5432';
const DATABASE_PREFIX = process.env.DATABASE_PREFIX ?? 'gov_';
const NATS_URL = process.env.NATS_URL || 'nats://127.0.0.1:4222';
const HTTP_HOST = process.env.HTTP_HOST || '127.0.0.1';
const PRETTY = process.env.LOG_FORMAT === 'pretty';
const READY_TIMEOUT_MS = Number(process.env.READY_TIMEOUT_MS || 120_000);
const STOP_TIMEOUT_MS = 10_000;

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const say = (message) => process.stdout.write(`${paint('1', '[start]')} ${message}\n`);
const complain = (message) => process.stderr.write(`${paint('1;31', '[start]')} ${message}\n`);

// The Node the project supports and tests (package.json engines); on an
// older one the apps may start and then fail in a dependency that needs it.
const node = supportedNode();
if (node.tooOld) {
  complain(
    `Node ${process.versions.node} is older than the Node ${node.minimum} the apps need (package.json engines ${node.range}). ` +
      `Install Node ${node.major} LTS (nodejs.org, nvm install ${node.major}, or your distribution's nodejs ${node.major} package) and run npm start again.`,
  );
  process.exit(1);
}

if (!/^[A-Za-z0-9_]*$/.test(DATABASE_PREFIX)) {
  complain(`DATABASE_PREFIX=${DATABASE_PREFIX} may hold only letters, digits and _.`);
  process.exit(1);
}

// ---------------------------------------------------------------- the apps

const appDirs = () =>
  readdirSync(APPS_DIR)
    .filter((name) => statSync(join(APPS_DIR, name)).isDirectory() && existsSync(join(APPS_DIR, name, 'package.json')))
    .sort((a, b) => (PORTS[a] ?? 1e6) - (PORTS[b] ?? 1e6) || a.localeCompare(b));

const mainOf = (app) => join(APPS_DIR, app, 'dist', 'main.js');

if (appDirs().some((app) => !existsSync(mainOf(app)))) {
  say('some apps are not built yet: npx tsc -b tsconfig.build.json');
  const build = spawnSync('npx', ['tsc', '-b', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) {
    complain(`the build failed (${build.error?.message ?? `exit code ${build.status}`}); fix it and run npm start again.`);
    process.exit(1);
  }
}

const apps = appDirs().filter((app) => existsSync(mainOf(app)));
if (apps.length === 0) {
  complain('no app has a dist/main.js; run npm run build and look at its errors.');
  process.exit(1);
}

const envName = (app) => `${app.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_HTTP_PORT`;
let nextPort = 3006;
const portOf = Object.fromEntries(
  apps.map((app) => {
    const override = process.env[envName(app)];
    if (override !== undefined && !/^\d+$/.test(override)) {
      complain(`${envName(app)}=${override} is not a port number.`);
      process.exit(1);
    }
    return [app, Number(override ?? PORTS[app] ?? nextPort++)];
  }),
);

function databaseUrlOf(app) {
  const url = new URL(PG_URL);
  url.pathname = `/${DATABASE_PREFIX}${app.replace(/[^A-Za-z0-9_]/g, '_')}`;
  return url.toString();
}

// ------------------------------------------------------ dependency checks

function hostPortOf(raw, defaultPort) {
  const url = new URL(raw.trim());
  return { host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', port: Number(url.port || defaultPort) };
}

function canConnect({ host, port }, timeoutMs = 3_000) {
  return new Promise((done) => {
    const socket = net.connect({ host, port });
    const finish = (ok) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

function portIsFree(host, port) {
  return new Promise((done) => {
    const server = net.createServer();
    server.once('error', (err) => done(err.code !== 'EADDRINUSE'));
    server.listen({ host, port, exclusive: true }, () => server.close(() => done(true)));
  });
}

const display = ({ host, port }) => `${host.includes(':') ? `[${host}]` : host}:${port}`;

async function checkDependencies() {
  const problems = [];
  let pg;
  let natsServers;
  try {
    pg = hostPortOf(PG_URL, 5432);
  } catch {
    problems.push(`PG_URL=${PG_URL} is not a URL; set PG_URL=postgres://user@host:port.`);
  }
  try {
    natsServers = NATS_URL.split(',').map((server) => hostPortOf(server, 4222));
  } catch {
    problems.push(`NATS_URL=${NATS_URL} is not a URL; set NATS_URL=nats://host:port.`);
  }
  const [pgUp, natsUp] = await Promise.all([
    pg ? canConnect(pg) : true,
    natsServers ? Promise.all(natsServers.map((s) => canConnect(s))).then((ups) => ups.some(Boolean)) : true,
  ]);
  if (!pgUp) {
    problems.push(
      `PostgreSQL is not reachable at ${display(pg)}. Start it (Debian: pg_ctlcluster 15 main start) ` +
        `or set PG_URL=postgres://user@host:port.`,
    );
  }
  if (!natsUp) {
    problems.push(
      `NATS is not reachable at ${natsServers.map(display).join(', ')}. Start it with JetStream: ` +
        `nats-server -js -sd /var/lib/nats-server, or set NATS_URL.`,
    );
  }
  const taken = [];
  for (const app of apps) {
    if (!(await portIsFree(HTTP_HOST, portOf[app]))) taken.push(app);
  }
  for (const app of taken) {
    problems.push(
      `Port ${portOf[app]} (${app}) is already in use on ${HTTP_HOST}; stop what holds it (another npm start?) ` +
        `or set ${envName(app)}=<port>.`,
    );
  }
  if (problems.length > 0) {
    for (const problem of problems) complain(problem);
    process.exit(1);
  }
}

await checkDependencies();

// ------------------------------------------------------------ the children

const LEVELS = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const LEVEL_COLOR = { trace: '90', debug: '90', info: '32', warn: '33', error: '31', fatal: '1;31' };

function pretty(line) {
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (!entry || typeof entry !== 'object') return line;
  const { level, time, msg, service: _s, instance: _i, pid: _p, hostname: _h, context, err, ...rest } = entry;
  const label = typeof level === 'number' ? (LEVELS[level] ?? level) : String(level ?? '');
  const clock = typeof time === 'string' ? time.slice(11, 23) : '';
  const extra = Object.keys(rest).length > 0 ? ` ${paint('90', JSON.stringify(rest))}` : '';
  const error = err?.stack ? `\n${err.stack}` : '';
  return `${clock} ${paint(LEVEL_COLOR[label] ?? '0', label.padEnd(5))} ${context ? `${context}: ` : ''}${msg ?? ''}${extra}${error}`;
}

const PREFIX_COLORS = ['36', '35', '34', '33', '32', '96', '95', '94'];
const children = new Map(); // app -> ChildProcess
let stopping = false;
let exitCode = 0;

function pipe(stream, out, prefix) {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
    const text = PRETTY ? pretty(line) : line;
    for (const part of text.split('\n')) out.write(`${prefix} ${part}\n`);
  });
}

// The gateway signs access tokens with GATEWAY_TOKEN_SECRET. On one machine
// a secret made for this run will do: sign-ins then end when it stops.
const gatewayEnv = {};
if (apps.includes('gateway') && !process.env.GATEWAY_TOKEN_SECRET) {
  gatewayEnv.GATEWAY_TOKEN_SECRET = randomBytes(48).toString('base64url');
  say('gateway: GATEWAY_TOKEN_SECRET is not set, so this run made one (sign-ins end when it stops; set it to keep them)');
}
if (apps.includes('gateway') && !process.env.GATEWAY_ADMIN_USERNAME) {
  say('gateway: to create the first platform admin, start once with GATEWAY_ADMIN_USERNAME and GATEWAY_ADMIN_PASSWORD (12+ characters)');
}

apps.forEach((app, i) => {
  const child = spawn(process.execPath, [mainOf(app)], {
    cwd: ROOT,
    // Its own process group: a Ctrl-C on the terminal reaches only this
    // script, which then stops each app once, in order, with SIGTERM.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DATABASE_URL: databaseUrlOf(app),
      NATS_URL,
      HTTP_HOST,
      HTTP_PORT: String(portOf[app]),
      ...(app === 'gateway' ? gatewayEnv : {}),
      // Dispatch makes these departments' notice consumers (a department cannot); the example department system is housing.
      DEPARTMENTS: process.env.DEPARTMENTS ?? 'housing,water',
    },
  });
  const prefix = paint(PREFIX_COLORS[i % PREFIX_COLORS.length], `[${app}]`);
  pipe(child.stdout, process.stdout, prefix);
  pipe(child.stderr, process.stderr, prefix);
  children.set(app, child);
  child.once('error', (err) => {
    complain(`${app} could not be started: ${err.message}`);
  });
  child.once('exit', (code, signal) => {
    children.delete(app);
    if (stopping) {
      if (code !== 0 && signal !== 'SIGTERM') {
        complain(`${app} stopped with ${signal ? `signal ${signal}` : `exit code ${code}`}.`);
        exitCode = 1;
      }
      return;
    }
    complain(
      `${app} exited unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`}); stopping the others.`,
    );
    stop(1);
  });
});

// ---------------------------------------------------------- readiness

const probeHost = HTTP_HOST === '0.0.0.0' || HTTP_HOST === '::' ? '127.0.0.1' : HTTP_HOST;
const baseUrlOf = (app) => `http://${probeHost.includes(':') ? `[${probeHost}]` : probeHost}:${portOf[app]}`;

async function readiness(app) {
  try {
    const response = await fetch(`${baseUrlOf(app)}/health/ready`, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.status === 200 ? 'ready' : `HTTP ${response.status}`;
  } catch (err) {
    return err?.cause?.code ?? err?.name ?? 'no answer';
  }
}

function printSummary(states) {
  const rows = apps.map((app) => [app, baseUrlOf(app), `gov.${app}.>`, states[app]]);
  const header = ['app', 'http', 'NATS subjects', 'status'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const format = (row) => row.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd();
  const lines = [
    '',
    paint('1', 'Gridwork is running') + ` (PostgreSQL ${display(hostPortOf(PG_URL, 5432))}, NATS ${NATS_URL})`,
    '  ' + paint('1', format(header)),
    ...rows.map((row) => '  ' + format(row)),
    `  Each app: GET /health/live, /health/ready, /metrics. Press Ctrl-C to stop.`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

(async () => {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const states = Object.fromEntries(apps.map((app) => [app, 'starting']));
  while (!stopping) {
    await Promise.all(
      apps.filter((app) => states[app] !== 'ready').map(async (app) => (states[app] = await readiness(app))),
    );
    if (stopping) return;
    if (apps.every((app) => states[app] === 'ready')) {
      printSummary(states);
      return;
    }
    if (Date.now() > deadline) {
      const late = apps.filter((app) => states[app] !== 'ready');
      complain(
        `not ready after ${READY_TIMEOUT_MS / 1000}s: ${late.map((app) => `${app} (${states[app]})`).join(', ')}; ` +
          `they keep running, look at their logs above.`,
      );
      printSummary(states);
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
})();

// -------------------------------------------------------------- stopping

function stop(code) {
  exitCode = Math.max(exitCode, code);
  if (stopping) return;
  stopping = true;
  if (children.size === 0) process.exit(exitCode);
  say(`stopping ${[...children.keys()].join(', ')} (SIGTERM, up to ${STOP_TIMEOUT_MS / 1000}s)`);
  for (const child of children.values()) child.kill('SIGTERM');
  const started = Date.now();
  const timer = setInterval(() => {
    if (children.size === 0) {
      clearInterval(timer);
      say(exitCode === 0 ? 'all stopped.' : 'all stopped after a failure.');
      process.exit(exitCode);
    }
    if (Date.now() - started > STOP_TIMEOUT_MS) {
      clearInterval(timer);
      complain(`still running after ${STOP_TIMEOUT_MS / 1000}s, killed: ${[...children.keys()].join(', ')}`);
      for (const child of children.values()) child.kill('SIGKILL');
      process.exit(1);
    }
  }, 100);
}

let firstSignalAt = 0;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    // npm forwards the signal it got too, so the same signal often arrives
    // twice at once; only a second Ctrl-C a moment later means "now".
    if (stopping && signal === 'SIGINT' && Date.now() - firstSignalAt > 1_000) {
      complain('second Ctrl-C: killing the apps now.');
      for (const child of children.values()) child.kill('SIGKILL');
      process.exit(1);
    }
    if (!stopping) {
      firstSignalAt = Date.now();
      say(`${signal} received.`);
    }
    stop(0);
  });
}

// A parent that is killed outright (SIGKILL, a supervisor giving up) sends no
// signal, and the apps, in process groups of their own, would keep running:
// being handed to another parent means it is gone, so stop too.
const parentPid = process.ppid;
setInterval(() => {
  if (!stopping && process.ppid !== parentPid) {
    say(`the process that started this one (pid ${parentPid}) is gone.`);
    stop(0);
  }
}, 500).unref();

// The apps run in their own process groups: never leave one behind.
process.on('exit', () => {
  for (const child of children.values()) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});
