import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { copyFileSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { jetstreamManager } from '@nats-io/jetstream';
import { subjects } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { waitFor } from '@gridwork/testing';
import { dispatchService } from '@gridwork/dispatch-service/definition';
import { startGridWithSmallCity } from '../fixtures/small-city.js';

const root = resolve(import.meta.dirname, '../../..');
const example = join(root, 'examples/department-system');
/** The packages a department system installs. */
const PACKAGES = ['libs/contracts', 'libs/client'];

interface Outcome {
  code: number | string | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end; a failure is an outcome to assert on, not a throw. */
const run = (command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeout: number): Promise<Outcome> =>
  promisify(execFile)(command, args, { cwd, env, timeout, maxBuffer: 16 << 20 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code?: number | string; signal?: string; stdout?: string; stderr?: string }) => ({
      code: error.code ?? error.signal ?? null,
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? String(error),
    }),
  );
const told = (outcome: Outcome) => `exit ${outcome.code}\n${outcome.stdout}\n${outcome.stderr}`;

/**
 * The environment of a program outside the workspace: without what `npm test`
 * sets for its script (the workspace's prefix and package) or anything that
 * would resolve modules from the workspace.
 */
function outsideEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  const leaks = ['INIT_CWD', 'NODE_OPTIONS', 'NODE_PATH', 'npm_config_local_prefix', 'npm_config_prefix', 'npm_config_workspace', 'npm_config_workspaces'];
  for (const key of Object.keys(env)) {
    if (leaks.includes(key) || (key.startsWith('npm_') && !key.startsWith('npm_config_'))) delete env[key];
  }
  return env;
}

/**
 * Packs the two packages, copies the example to an empty folder outside the
 * workspace and installs the tarballs there, their dependencies from the
 * registry: what a department's developer does.
 */
async function installExample(work: string): Promise<string> {
  const packs = join(work, 'packs');
  mkdirSync(packs);
  const packed = await run('npm', ['pack', '--json', '--pack-destination', packs, ...PACKAGES.flatMap((p) => ['--workspace', p])], root, outsideEnv(), 60_000);
  expect(packed.code, told(packed)).toBe(0);
  const tarballs = (JSON.parse(packed.stdout) as { name: string; filename: string }[]).map((p) => ({ name: p.name, file: join(packs, p.filename) }));

  const app = join(work, 'housing');
  mkdirSync(app);
  for (const file of ['index.mjs', 'package.json', 'README.md']) copyFileSync(join(example, file), join(app, file));
  const installed = await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefix', app, ...tarballs.map((t) => t.file)],
    app,
    outsideEnv(),
    240_000,
  );
  expect(installed.code, told(installed)).toBe(0);

  // Real folders from the tarballs, one copy each; nothing linked back into the workspace.
  for (const { name } of tarballs) {
    const dir = join(app, 'node_modules', name);
    expect(lstatSync(dir).isSymbolicLink(), `${name} is a link`).toBe(false);
    expect(realpathSync(dir).startsWith(realpathSync(app)), `${name} is inside the example`).toBe(true);
  }
  const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8')) as { packages: Record<string, { resolved?: string; link?: boolean }> };
  const ours = Object.entries(lock.packages).filter(([path]) => path.includes('@gridwork/'));
  expect(Object.fromEntries(ours.map(([path, entry]) => [path, entry.resolved]))).toEqual(
    Object.fromEntries(tarballs.map((t) => [`node_modules/${t.name}`, `file:${relative(app, t.file)}`])),
  );
  expect(Object.entries(lock.packages).filter(([, entry]) => entry.link)).toEqual([]);
  return app;
}

type Line = { step: string; [field: string]: unknown };

/**
 * A department system built from the published packages alone, run the way
 * its developers run it: installed from `npm pack` tarballs in an empty
 * folder, talking to a real grid and dispatch over NATS. A package that does
 * not install or run on its own (an undeclared dependency, an export to a
 * missing file) fails here.
 */
describe('the example department system, installed from the packed packages', () => {
  let work: string;
  let app: string;
  let world: TestWorld;

  const runExample = async (): Promise<Line[]> => {
    const outcome = await run('node', ['index.mjs'], app, outsideEnv({ NATS_URL: world.nats.url }), 60_000);
    expect(outcome.code, told(outcome)).toBe(0);
    return outcome.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Line);
  };
  const stepOf = (lines: Line[], step: string) => lines.find((l) => l.step === step)!;
  const noticesOf = (lines: Line[]) => lines.filter((l) => l.step === 'notice');

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'gridwork-department-system-'));
    app = await installExample(work);
    world = await testWorld(['grid', 'dispatch']);
    // Dispatch makes housing's notice consumer: the example binds to it.
    await world.start(dispatchService, 'dispatch', { DEPARTMENTS: 'housing' });
    // Roads are housing's: a case in that category is routed to housing at intake.
    await world.client.request(subjects.dispatch.category.define, {
      code: 'roads',
      name: 'Roads and pavements',
      responsible: { kind: 'department', department: 'housing' },
      acceptHours: 2,
      completeHours: 24,
      hoursKind: 'calendar',
    });
    await startGridWithSmallCity(world);
  }, 360_000);
  afterAll(async () => {
    await world?.dispose();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('reports a case, follows it, lists its own cases and handles its assignment notice', async () => {
    const lines = await runExample();
    expect(lines.map((l) => l.step)).toEqual(['reported', 'followed', 'listed', 'notice', 'done']);
    const reported = stepOf(lines, 'reported');
    expect(reported).toMatchObject({ state: 'assigned', owner: { kind: 'department', department: 'housing' }, created: true });
    const caseId = reported.caseId as string;
    expect(stepOf(lines, 'followed')).toMatchObject({ caseId, timeline: ['report', 'accept', 'assign'] });
    expect(stepOf(lines, 'listed')).toMatchObject({ count: 1, caseIds: [caseId], owners: ['housing'] });
    const [notice] = noticesOf(lines);
    expect(notice).toMatchObject({ kind: 'assigned', caseId, caseNumber: reported.number });

    const [stored] = await world.query('dispatch', `SELECT channel, reporting_department, owner_department, grid_code FROM "case" WHERE id = $1`, [caseId]);
    expect(stored).toEqual({ channel: 'department', reporting_department: 'housing', owner_department: 'housing', grid_code: 'T01010101' });
    // Its durable consumer, named after the department, acknowledged the notice before the program exited.
    const consumer = await (await jetstreamManager(world.nc)).consumers.info('GOV_DISPATCH', 'housing');
    expect(consumer.config.filter_subject).toBe('gov.evt.dispatch.notice.housing.>');
    expect(consumer.num_ack_pending).toBe(0);
    expect(consumer.ack_floor.stream_seq).toBeGreaterThanOrEqual(notice!.streamSequence as number);
  });

  it('resumes where it stopped: the next run gets the notice published while it was away, and none it has handled', async () => {
    const away = (
      await world.client.request(subjects.dispatch.case.report, {
        idempotencyKey: 'while-housing-was-away',
        channel: 'hotline-12345',
        categoryCode: 'roads',
        description: 'Loose manhole cover',
        location: { longitude: 113.005, latitude: 23.01 },
      })
    ).case;
    await waitFor('the notice published while away', async () => {
      const [row] = await world.query<{ sent: boolean }>(
        'dispatch',
        `SELECT sent_at IS NOT NULL AS sent FROM outbox WHERE subject = 'gov.evt.dispatch.notice.housing.assigned' AND payload->>'caseId' = $1`,
        [away.id],
      );
      return row?.sent;
    });

    const lines = await runExample();
    const reported = stepOf(lines, 'reported');
    expect(noticesOf(lines).map((n) => n.caseId)).toEqual([away.id, reported.caseId]);
    expect(stepOf(lines, 'listed')).toMatchObject({ count: 3, owners: ['housing'] });
  });
});
