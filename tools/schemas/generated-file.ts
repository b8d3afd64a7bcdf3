import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Writes a generated document, or with `--check` on the command line writes
 * nothing and fails when the checked-in copy differs (`npm test` checks).
 */
export function writeOrCheck(target: string, text: string, label: string, command: string): void {
  if (!process.argv.includes('--check')) {
    writeFileSync(target, text);
    process.stdout.write(`wrote ${target}\n`);
    return;
  }
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (current !== text) {
    process.stderr.write(`${label} is stale: run \`${command}\` and commit it.\n`);
    process.exit(1);
  }
  process.stdout.write(`${label} is up to date.\n`);
}
