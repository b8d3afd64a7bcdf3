#!/usr/bin/env node
// The whole test suite, as README says and .ci/run calls: build and typecheck
// everything, lint, check the AsyncAPI and OpenAPI documents, then run every test file
// against the real PostgreSQL and NATS servers.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { supportedNode } from './supported-node.mjs';

// The suite runs on the Node the project supports (package.json engines);
// .ci/run fetches that Node when the machine's own is older.
const node = supportedNode();
if (node.tooOld) {
  process.stderr.write(
    `npm test needs Node ${node.minimum} or later (package.json engines ${node.range}); this is Node ${process.versions.node}. ` +
      `Install Node ${node.major} LTS, or run .ci/run, which fetches it when the machine's node is older.\n`,
  );
  process.exit(1);
}

const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
const run = (title, command, args) => {
  process.stdout.write(`\n== ${title}: ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.status !== 0) {
    process.stdout.write(`\n${title} failed (exit ${result.status ?? result.signal}).\n`);
    process.exit(result.status || 1);
  }
};

run('build', 'npx', ['tsc', '-b', 'tsconfig.build.json']);
run('typecheck tests', 'npx', ['tsc', '-p', 'tsconfig.spec.json']);
run('lint', 'npx', ['nx', 'run-many', '-t', 'lint', '--outputStyle=static']);
run('asyncapi', 'node', ['tools/dist/asyncapi/generate.js', '--check']);
run('openapi', 'node', ['tools/dist/openapi/generate.js', '--check']);

const report = join(mkdtempSync(join(tmpdir(), 'gridwork-vitest-')), 'report.json');
const tests = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env,
});
let summary;
try {
  summary = JSON.parse(readFileSync(report, 'utf8'));
} catch {
  process.stdout.write('no test report was written\n');
  process.exit(tests.status || 1);
}
const skipped = summary.numPendingTests + summary.numTodoTests;
// A file whose set-up failed has no failed test of its own; count it as one failure.
const brokenFiles = summary.testResults.filter(
  (file) => file.status === 'failed' && !file.assertionResults.some((test) => test.status === 'failed'),
).length;
const failed = summary.numFailedTests + brokenFiles;
process.stdout.write(`\ntests: ${summary.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`);
if (summary.numTotalTests === 0) {
  process.stdout.write('no test ran\n');
  process.exit(1);
}
process.exit(tests.status ?? 1);
