import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createProjectGraphAsync, type ProjectGraph } from '@nx/devkit';
import { ESLint, type Linter } from 'eslint';

const root = resolve(import.meta.dirname, '../../..');
const eslint = new ESLint({ cwd: root });

/** What lint says of `code` if it were the file at `filePath` (nothing is written). */
const lint = async (filePath: string, code: string) => {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, filePath) });
  return result!.messages;
};
const byRule = (messages: Linter.LintMessage[], rule: string) => messages.filter((m) => m.ruleId === rule).map((m) => m.message);
const boundaries = (messages: Linter.LintMessage[]) => byRule(messages, '@nx/enforce-module-boundaries');
const dependencies = (messages: Linter.LintMessage[]) => byRule(messages, '@nx/dependency-checks');

const packageJson = (project: string) => JSON.parse(readFileSync(resolve(root, project, 'package.json'), 'utf8'));
const asText = (json: unknown) => `${JSON.stringify(json, null, 2)}\n`;

/**
 * The boundaries in eslint.config.js hold: lint (and so `npm test`) refuses
 * a service importing another, a library importing a service, a runtime in
 * the contracts, and a package.json that does not list what its code imports.
 */
describe('lint keeps the boundaries', () => {
  let graph: ProjectGraph;
  // Both rules read Nx's cached project graph; make it the current one.
  beforeAll(async () => {
    graph = await createProjectGraphAsync({ exitOnError: false });
  }, 120_000);

  /** A library that `project` does not depend on, directly or through others (test-only imports count). */
  const libraryOutside = (project: string) => {
    const reached = new Set([project]);
    for (const name of reached) for (const { target } of graph.dependencies[name] ?? []) reached.add(target);
    const lib = Object.values(graph.nodes).find((node) => node.data.tags?.includes('type:lib') && !reached.has(node.name));
    if (!lib) throw new Error(`every library is reached from ${project}: no probe can import it without a cycle`);
    return lib.name;
  };

  it('refuses an app importing another app', async () => {
    const messages = await lint('apps/dispatch/src/boundaries-probe.ts', "export { gridService } from '@gridwork/grid-service';\n");
    expect(boundaries(messages)).toEqual(['A project tagged with "type:app" can only depend on libs tagged with "type:lib"']);
  });

  it('refuses an app reaching into another app by a relative path', async () => {
    const messages = await lint('apps/dispatch/src/boundaries-probe.ts', "export { gridService } from '../../grid/src/grid.definition.js';\n");
    expect(boundaries(messages)).toEqual(['Projects cannot be imported by a relative or absolute path, and must begin with a npm scope']);
  });

  it('refuses a lib importing an app', async () => {
    // Take a library the app does not reach, so that the import is not also a cycle (Nx would report only the cycle).
    const lib = libraryOutside('@gridwork/grid-service');
    const messages = await lint(`${graph.nodes[lib]!.data.root}/src/boundaries-probe.ts`, "export { gridService } from '@gridwork/grid-service';\n");
    expect(boundaries(messages)).toEqual(['A project tagged with "type:lib" can only depend on libs tagged with "type:lib"']);
  });

  it('refuses the contracts importing a runtime library', async () => {
    for (const specifier of ['@nats-io/nats-core', '@nats-io/jetstream', '@nestjs/common', 'typeorm', 'pg', 'pino', 'prom-client']) {
      const messages = await lint('libs/contracts/src/boundaries-probe.ts', `export * from '${specifier}';\n`);
      expect({ specifier, messages: boundaries(messages) }).toEqual({
        specifier,
        messages: expect.arrayContaining([`A project tagged with "layer:contracts" is not allowed to import "${specifier}"`]),
      });
    }
  });

  it('refuses the contracts importing another project', async () => {
    const messages = await lint('libs/contracts/src/boundaries-probe.ts', "export { localDay } from '@gridwork/local-time';\n");
    expect(boundaries(messages)).toEqual(['A project tagged with "layer:contracts" cannot depend on any libs with tags']);
    // messaging builds on contracts, so this one is a cycle as well.
    expect(boundaries(await lint('libs/contracts/src/boundaries-probe.ts', "export { OutboxRelay } from '@gridwork/messaging';\n"))).toEqual([
      expect.stringContaining('Circular dependency between "@gridwork/contracts" and "@gridwork/messaging"'),
    ]);
  });

  it('refuses an import of a package the project does not declare', async () => {
    // @nats-io/nkeys comes with @nats-io/nats-core, but persistence does not list it.
    const messages = await lint('libs/persistence/src/boundaries-probe.ts', "export { createUser } from '@nats-io/nkeys';\n");
    expect(boundaries(messages)).toEqual([
      'Only packages defined in the "package.json" can be imported. Transitive or unresolvable dependencies are not allowed.',
    ]);
  });

  it('lets a tool use an app and the libraries', async () => {
    const code = "export { dispatchService } from '@gridwork/dispatch-service';\nexport { newId } from '@gridwork/persistence';\n";
    expect(await lint('tools/bench/boundaries-probe.ts', code)).toEqual([]);
  });

  it("refuses a package.json that misses a package its code imports", async () => {
    const persistence = packageJson('libs/persistence');
    delete persistence.dependencies.pg;
    const messages = await lint('libs/persistence/package.json', asText(persistence));
    expect(dependencies(messages)).toEqual([
      'The "@gridwork/persistence" project uses the following packages, but they are missing from "dependencies":\n    - pg',
    ]);
  });

  it('refuses a package.json that lists a package its code does not import', async () => {
    const persistence = packageJson('libs/persistence');
    persistence.dependencies.yaml = '^2.9.1';
    const messages = await lint('libs/persistence/package.json', asText(persistence));
    expect(dependencies(messages)).toEqual(['The "yaml" package is not used by "@gridwork/persistence" project.']);
  });

  it("takes every project's package.json as it is", async () => {
    for (const project of ['apps/dispatch', 'apps/grid', 'libs/contracts', 'libs/runtime', 'libs/testing', 'tools']) {
      const file = `${project}/package.json`;
      expect({ file, messages: await lint(file, readFileSync(resolve(root, file), 'utf8')) }).toEqual({ file, messages: [] });
    }
  });
});
