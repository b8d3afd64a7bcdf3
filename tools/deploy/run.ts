/*
 * npm run test:deploy: the deployment as an operator runs it, on this
 * machine's Docker engine, with nothing pulled from an image registry.
 *   1. engine: a Docker engine answers (Debian's docker.io installed and
 *      dockerd started when missing);
 *   2. base images: Debian bookworm (debootstrap), Node 22, PostGIS, NATS;
 *   3. app images: every app in apps/ built with deploy/Dockerfile on the
 *      local Node image (NODE_IMAGE), with their sizes;
 *   4. compose: docker-compose.host.yml brings the platform up with
 *      PostgreSQL and NATS in containers; every service answers
 *      /health/ready and runs as non-root; the example department system
 *      reports a case over NATS and handles its notice; each service stops
 *      on SIGTERM with exit code 0; `down` leaves nothing behind;
 *   5. alone: one service from its image against this machine's PostgreSQL
 *      and NATS, with its own database, dropped afterwards;
 *   6. testcontainers: test files run with TEST_SERVERS=containers, taking
 *      PostgreSQL and NATS from containers of the local images.
 * Each phase's time and the image sizes are printed at the end.
 */
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { GridworkClient } from '@gridwork/client';
import { subjects } from '@gridwork/contracts';
import pg from 'pg';
import { BASE, baseImages } from './base-images.js';
import { build, COMPOSE, docker, dockerClient, ensureEngine, imageSizeMb, sh, shown, sleep } from './docker.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const apps = readdirSync(join(root, 'apps')).sort();
const image = (app: string) => `gridwork/${app}`;

const PROJECT = 'gridwork-deploy-test';
const COMPOSE_FILE = join(root, 'docker-compose.host.yml');
const composeEnv = { POSTGRES_IMAGE: BASE.postgis, NATS_IMAGE: BASE.nats, DEPARTMENTS: 'housing' };
const compose = (args: string[], options: { allowFailure?: boolean } = {}) =>
  sh(COMPOSE, ['-p', PROJECT, '-f', COMPOSE_FILE, ...args], { env: composeEnv, cwd: root, ...options });
/** Ports of docker-compose.host.yml. */
const HOST_PORTS: Record<string, number> = { gateway: 13000, org: 13001, grid: 13002, dispatch: 13003, timebank: 13004, admission: 13005 };
const COMPOSE_NATS = 'nats://127.0.0.1:14222';

const timings: [string, number][] = [];
async function phase<T>(name: string, step: () => T | Promise<T>): Promise<T> {
  process.stdout.write(`\n== ${name}\n`);
  const started = performance.now();
  try {
    return await step();
  } finally {
    timings.push([name, (performance.now() - started) / 1000]);
  }
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

async function httpStatus(url: string): Promise<number> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2_000) })).status;
  } catch {
    return 0;
  }
}

/** Waits for /health/ready to answer 200 (dependencies up, migrations done). */
async function waitReady(app: string, port: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await httpStatus(`http://127.0.0.1:${port}/health/ready`)) === 200) return;
    await sleep(500);
  }
  throw new Error(`${app} did not answer 200 on 127.0.0.1:${port}/health/ready within ${timeoutMs / 1000} s`);
}

/** The user a running container's PID 1 is, by numeric id (the image must not run as root). */
function containerUid(container: string): number {
  return Number(docker(['exec', container, 'id', '-u']).stdout.trim());
}

/** SIGTERM to the container's PID 1 and its exit code (a clean shutdown exits 0 well before the kill at 30 s). */
function stopWithSigterm(container: string): number {
  docker(['stop', '--time', '30', container]);
  return Number(docker(['inspect', '--format', '{{.State.ExitCode}}', container]).stdout.trim());
}

/** A city down to one grid around the example's point (113.005, 23.01), for dispatch to locate its case. */
const exampleCity = () => {
  const box = (w: number, s: number, e: number, n: number) => ({ type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] });
  const area = (code: string, level: string, parentCode: string | undefined, b: number[], extra: object = {}) => ({
    type: 'Feature',
    properties: { code, name: `Area ${code}`, level, ...(parentCode ? { parentCode } : {}), ...extra },
    geometry: box(b[0]!, b[1]!, b[2]!, b[3]!),
  });
  return {
    type: 'FeatureCollection' as const,
    features: [
      area('D0', 'city', undefined, [112.9, 22.9, 113.2, 23.2]),
      area('D01', 'district', 'D0', [112.95, 22.95, 113.1, 23.1]),
      area('D0101', 'township', 'D01', [113.0, 23.0, 113.05, 23.05]),
      area('D010101', 'community', 'D0101', [113.0, 23.0, 113.02, 23.02]),
      area('D01010101', 'grid', 'D010101', [113.0, 23.0, 113.02, 23.02], { population: 900, households: 350 }),
    ],
  };
};

/** Over the platform's NATS, as an operator would: housing's category and the city's areas. */
async function prepareExample(): Promise<void> {
  const nc = await connect({ servers: COMPOSE_NATS });
  try {
    const client = new GridworkClient(nc, { timeoutMs: 30_000 });
    await client.request(subjects.dispatch.category.define, {
      code: 'roads',
      name: 'Roads and pavements',
      responsible: { kind: 'department', department: 'housing' },
      acceptHours: 2,
      completeHours: 24,
      hoursKind: 'calendar',
    });
    const imported = await client.request(subjects.grid.area.import, { featureCollection: exampleCity() });
    check(imported.rejectedCount === 0, `grid rejected areas: ${JSON.stringify(imported.rejected)}`);
  } finally {
    await nc.close();
  }
  // Grid's boundaries reach dispatch as events: wait until it can locate the case.
  const db = new pg.Client({ connectionString: 'postgres://postgres:postgres@127.0.0.1:15432/gov_dispatch' });
  await db.connect();
  try {
    for (let i = 0; i < 120; i++) {
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM known_area WHERE level = 'grid' AND boundary IS NOT NULL`);
      if (rows[0]!.n > 0) return;
      await sleep(500);
    }
    throw new Error('the grid boundary did not reach dispatch within 60 s');
  } finally {
    await db.end();
  }
}

/** examples/department-system against the platform's NATS; its JSON lines. */
function runExample(): { step: string; [field: string]: unknown }[] {
  const run = sh('node', ['index.mjs'], { cwd: join(root, 'examples/department-system'), env: { NATS_URL: COMPOSE_NATS }, allowFailure: true });
  process.stdout.write(run.stdout);
  check(run.code === 0, `the department system failed (exit ${run.code}):\n${run.stderr}`);
  return run.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { step: string });
}

const leftovers = (filter: string[]) => ({
  containers: docker(['ps', '-aq', ...filter]).stdout.trim(),
  networks: docker(['network', 'ls', '-q', ...filter]).stdout.trim(),
  volumes: docker(['volume', 'ls', '-q', ...filter]).stdout.trim(),
});

async function composePlatform(): Promise<void> {
  const label = ['--filter', `label=com.docker.compose.project=${PROJECT}`];
  compose(['down', '-v', '--remove-orphans'], { allowFailure: true });
  try {
    await phase('compose up', async () => {
      compose(['up', '-d', '--no-build']);
      try {
        for (const app of apps) await waitReady(app, HOST_PORTS[app]!);
      } catch (err) {
        process.stdout.write(compose(['logs', '--no-color', '--tail', '20'], { allowFailure: true }).stdout);
        throw err;
      }
    });
    for (const app of apps) {
      const container = compose(['ps', '-q', app]).stdout.trim();
      const uid = containerUid(container);
      check(uid !== 0, `${app} runs as root`);
      process.stdout.write(`${app}: /health/ready 200 on 127.0.0.1:${HOST_PORTS[app]}, uid ${uid}\n`);
    }
    await phase('department system over NATS', async () => {
      await prepareExample();
      const lines = runExample();
      const steps = lines.map((l) => l.step);
      check(JSON.stringify(steps) === JSON.stringify(['reported', 'followed', 'listed', 'notice', 'done']), `the department system's steps were ${steps.join(', ')}`);
      const reported = lines.find((l) => l.step === 'reported')!;
      const notice = lines.find((l) => l.step === 'notice')!;
      check(notice.caseId === reported.caseId && notice.kind === 'assigned', 'the notice is not the assignment of the reported case');
    });
    await phase('compose stop (SIGTERM) and down', () => {
      for (const app of apps) {
        const container = compose(['ps', '-q', app]).stdout.trim();
        const code = stopWithSigterm(container);
        check(code === 0, `${app} exited ${code} on SIGTERM (a clean shutdown exits 0)`);
        process.stdout.write(`${app}: stopped by SIGTERM, exit 0\n`);
      }
      compose(['down', '-v', '--remove-orphans']);
      const left = leftovers(label);
      check(!left.containers && !left.networks && !left.volumes, `compose down left ${JSON.stringify(left)}`);
    });
  } finally {
    compose(['down', '-v', '--remove-orphans'], { allowFailure: true });
  }
}

/** One service from its image against this machine's PostgreSQL and NATS, as an admin deploys a single service. */
async function deployAlone(app: string): Promise<void> {
  const database = `gridwork_deploy_${app}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  const port = 13103;
  const name = `gridwork-deploy-alone-${app}`;
  docker(['rm', '-f', name], { allowFailure: true });
  try {
    await admin.query(`CREATE DATABASE "${database}"`);
    docker([
      'run', '-d', '--name', name, '--network', 'host',
      '-e', `DATABASE_URL=postgres://postgres@127.0.0.1:5432/${database}`,
      '-e', 'NATS_URL=nats://127.0.0.1:4222',
      '-e', 'HTTP_HOST=127.0.0.1',
      '-e', `HTTP_PORT=${port}`,
      image(app),
    ]);
    await waitReady(app, port);
    check(containerUid(name) !== 0, `${app} runs as root`);
    const code = stopWithSigterm(name);
    check(code === 0, `${app} exited ${code} on SIGTERM`);
    process.stdout.write(`${app} alone: ready on 127.0.0.1:${port} against 127.0.0.1:5432/${database} and 127.0.0.1:4222, stopped by SIGTERM with exit 0\n`);
  } catch (err) {
    process.stdout.write(docker(['logs', '--tail', '50', name], { allowFailure: true }).stderr);
    throw err;
  } finally {
    docker(['rm', '-f', name], { allowFailure: true });
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  }
}

/**
 * Test files with PostgreSQL and NATS from Testcontainers, of the local
 * images. Ryuk (Testcontainers' reaper) is an image of its own, which cannot
 * be pulled here: it is off, and the containers are removed here by label.
 */
function testcontainers(): void {
  const env = {
    TEST_SERVERS: 'containers',
    TEST_POSTGRES_IMAGE: BASE.postgis,
    TEST_NATS_IMAGE: BASE.nats,
    TESTCONTAINERS_RYUK_DISABLED: 'true',
    DOCKER_HOST: 'unix:///var/run/docker.sock',
    DOCKER: dockerClient(),
  };
  try {
    shown('npx', ['vitest', 'run', 'libs/testing/test/containers.spec.ts', 'apps/grid/test/areas.spec.ts'], env);
  } finally {
    const ids = docker(['ps', '-aq', '--filter', 'label=org.testcontainers=true']).stdout.trim().split('\n').filter(Boolean);
    if (ids.length) docker(['rm', '-f', '-v', ...ids]);
  }
}

async function main(): Promise<void> {
  const engine = await phase('engine', ensureEngine);
  const sizes: [string, number][] = [];
  try {
    await phase('base images', () => baseImages(root));
    await phase('app images', () => {
      for (const app of apps) build(image(app), root, { NODE_IMAGE: BASE.node, APP: app }, join(root, 'deploy/Dockerfile'));
      docker(['image', 'prune', '-f']);
    });
    for (const name of [...Object.values(BASE), ...apps.map(image)]) sizes.push([name, imageSizeMb(name)]);
    await composePlatform();
    await phase('one service alone (dispatch)', () => deployAlone('dispatch'));
    await phase('testcontainers', testcontainers);
  } finally {
    process.stdout.write('\n== figures\n');
    for (const [name, seconds] of timings) process.stdout.write(`${name.padEnd(34)} ${seconds.toFixed(1).padStart(7)} s\n`);
    for (const [name, mb] of sizes) process.stdout.write(`${name.padEnd(34)} ${mb.toFixed(0).padStart(7)} MB\n`);
    if (engine.started) await engine.stop();
  }
}

main().then(
  () => process.stdout.write('\ntest:deploy passed\n'),
  (err: unknown) => {
    process.stderr.write(`\ntest:deploy failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
