import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { buildAsyncApiDocument } from './document.js';

/**
 * Writes docs/asyncapi.yaml from the contracts. With `--check` it writes
 * nothing and fails when the checked-in document differs (CI runs that).
 */
const root = resolve(import.meta.dirname, '../../..');
const target = resolve(root, 'docs/asyncapi.yaml');
const version = (JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string }).version;
const text = `# Generated from libs/contracts by \`npm run asyncapi\`; do not edit.\n${stringify(buildAsyncApiDocument(version), { aliasDuplicateObjects: false })}`;

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (current !== text) {
    process.stderr.write('docs/asyncapi.yaml is stale: run `npm run asyncapi` and commit it.\n');
    process.exit(1);
  }
  process.stdout.write('docs/asyncapi.yaml is up to date.\n');
} else {
  writeFileSync(target, text);
  process.stdout.write(`wrote ${target}\n`);
}
