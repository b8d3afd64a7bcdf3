import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * The aggregate generator, run the way a developer runs it (`nx g`), on a copy
 * of the workspace so the real tree is left as it was. The copy gets a
 * node_modules of links: third-party packages are the real ones, `@gridwork/*`
 * the copy's own folders, so the generated code is built, linted and tested
 * against the copy's libraries. The libraries' build output is copied too (its
 * timestamps kept), so `tsc -b` rebuilds only what the generator changed.
 */

const workspace = resolve(import.meta.dirname, '../../..');
const SERVICE = 'timebank';
const NAME = 'sample-thing';
const PLURAL = 'sample-things';
/** What the generator writes or changes, relative to the workspace. */
const GENERATED = [`apps/${SERVICE}`, `libs/contracts/src/${SERVICE}`, 'libs/contracts/src/index.ts', 'libs/contracts/src/subjects.ts'];

/** A package's command, as its package.json names it. */
function binOf(name: string, command = name): string {
  const { bin } = JSON.parse(readFileSync(join(workspace, 'node_modules', name, 'package.json'), 'utf8')) as { bin: string | Record<string, string> };
  return join(workspace, 'node_modules', name, typeof bin === 'string' ? bin : bin[command]!);
}
const bin = { nx: binOf('nx'), tsc: binOf('typescript', 'tsc'), eslint: binOf('eslint'), vitest: binOf('vitest') };

// The nested vitest must not take this run's worker settings for its own.
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST') && key !== 'NODE_OPTIONS'));
Object.assign(env, { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_INTERACTIVE: 'false', NO_COLOR: '1' });
delete env.FORCE_COLOR;

let copy: string;

/** Runs node in the copy (a command's script and its arguments); `output` has stdout and stderr for a failure message. */
function run(args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, args, { cwd: copy, env, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, output: `$ node ${args.map((arg) => (arg.startsWith(workspace) ? basename(arg) : arg)).join(' ')}\n${result.stdout}${result.stderr}${result.error ?? ''}` };
}

/** Runs it and fails the test with its output unless it exits 0. */
function succeeds(args: string[]): string {
  const result = run(args);
  expect(result.status, result.output).toBe(0);
  return result.output;
}

const generate = (args: string[] = []) => run([bin.nx, 'g', '@gridwork/tools:aggregate', '--service', SERVICE, '--name', NAME, '--no-interactive', ...args]);

/** Every file under the given paths of the copy, with its contents. */
function snapshot(paths: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (path: string) => {
    const full = join(copy, path);
    let entries;
    try {
      entries = readdirSync(full, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') out[path] = readFileSync(full, 'utf8');
      return;
    }
    for (const entry of entries) if (entry.name !== 'dist') walk(join(path, entry.name));
  };
  paths.forEach(walk);
  return out;
}

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'gridwork-generator-'));
  const skipped = /(^|\/)(node_modules|\.nx|\.git)$|^apps\/[^/]+\/dist$|^tools\/seed\/out$/;
  for (const entry of ['apps', 'libs', 'tools', 'package.json', 'nx.json', 'tsconfig.base.json', 'tsconfig.build.json', 'tsconfig.spec.json', 'eslint.config.js', 'vitest.config.ts']) {
    cpSync(join(workspace, entry), join(copy, entry), {
      recursive: true,
      preserveTimestamps: true,
      filter: (source) => !skipped.test(relative(workspace, source)),
    });
  }
  mkdirSync(join(copy, 'node_modules/@gridwork'), { recursive: true });
  for (const entry of readdirSync(join(workspace, 'node_modules'))) {
    if (entry !== '@gridwork' && !entry.startsWith('.')) symlinkSync(join(workspace, 'node_modules', entry), join(copy, 'node_modules', entry));
  }
  symlinkSync(join(workspace, 'node_modules/.bin'), join(copy, 'node_modules/.bin'));
  // npm links each workspace package as ../../<folder>; the same relative link points into the copy.
  for (const entry of readdirSync(join(workspace, 'node_modules/@gridwork'))) {
    symlinkSync(readlinkSync(join(workspace, 'node_modules/@gridwork', entry)), join(copy, 'node_modules/@gridwork', entry));
  }
  // nx loads the generator from the tools' build output; up to date unless the generator changed since the last build.
  succeeds([bin.tsc, '-b', 'tools']);
}, 120_000);

afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe('nx g @gridwork/tools:aggregate', () => {
  it(`writes an aggregate of ${SERVICE} that builds, lints and passes its own test`, () => {
    const generated = generate();
    expect(generated.status, generated.output).toBe(0);
    for (const path of [
      `apps/${SERVICE}/src/${PLURAL}/${PLURAL}.module.ts`,
      `apps/${SERVICE}/src/${PLURAL}/${PLURAL}.endpoints.ts`,
      `apps/${SERVICE}/src/${PLURAL}/${PLURAL}.service.ts`,
      `apps/${SERVICE}/src/${PLURAL}/${NAME}.rows.ts`,
      `apps/${SERVICE}/test/${PLURAL}.spec.ts`,
      `libs/contracts/src/${SERVICE}/${PLURAL}.ts`,
    ]) {
      expect(generated.output).toContain(`CREATE ${path}`);
    }
    expect(generated.output).toMatch(new RegExp(`CREATE apps/${SERVICE}/src/${PLURAL}/\\d{13}-create-${PLURAL}\\.ts`));
    // Appended after the service's own features (timebank has some; a shell has none).
    expect(readFileSync(join(copy, `apps/${SERVICE}/src/${SERVICE}.definition.ts`), 'utf8')).toMatch(/features: \[([A-Za-z]+Feature, )*sampleThingsFeature\]/);

    succeeds([bin.tsc, '-b', `apps/${SERVICE}`]);
    // Tests are typechecked apart from the build, as `tsconfig.spec.json` does; referencing the
    // projects makes tsc read the libraries' declarations just built instead of their sources.
    const { references } = JSON.parse(readFileSync(join(copy, 'tsconfig.build.json'), 'utf8')) as { references: { path: string }[] };
    writeFileSync(
      join(copy, 'tsconfig.generated.json'),
      JSON.stringify({ extends: './tsconfig.spec.json', include: [`apps/${SERVICE}/test/**/*.ts`], references: references.filter((r) => r.path.startsWith('libs/')).concat({ path: `apps/${SERVICE}` }) }),
    );
    succeeds([bin.tsc, '-p', 'tsconfig.generated.json']);
    // Lint's boundary and dependency rules read Nx's cached project graph, made
    // before the generator ran: without it they make a fresh one with the new files.
    rmSync(join(copy, '.nx'), { recursive: true, force: true });
    succeeds([bin.eslint, '--max-warnings', '0', ...GENERATED]);
    // The AsyncAPI document is made from this catalogue.
    const catalogue = succeeds([
      '--input-type=module',
      '-e',
      "import { allDefinitions } from '@gridwork/contracts'; console.log(allDefinitions().map((d) => d.subject).join(' '))",
    ]);
    for (const subject of ['create', 'get', 'list'].map((action) => `gov.${SERVICE}.${NAME}.${action}`).concat(`gov.evt.${SERVICE}.${NAME}.created`)) {
      expect(catalogue.split(/\s+/)).toContain(subject);
    }
    const tested = succeeds([bin.vitest, 'run', `apps/${SERVICE}/test/${PLURAL}.spec.ts`]);
    expect(tested).toMatch(/Tests\s+5 passed/);
  }, 180_000);

  it('refuses the same name twice, and a service that does not exist, and changes nothing', () => {
    const before = snapshot([...GENERATED]);
    const again = generate();
    expect(again.status, again.output).not.toBe(0);
    expect(again.output).toContain(`apps/${SERVICE}/src/${PLURAL} already exists`);
    const nowhere = run([bin.nx, 'g', '@gridwork/tools:aggregate', '--service', 'nowhere', '--name', NAME, '--no-interactive']);
    expect(nowhere.status, nowhere.output).not.toBe(0);
    expect(nowhere.output).toContain("There is no service 'nowhere'");
    expect(snapshot([...GENERATED])).toEqual(before);
  }, 60_000);
});
