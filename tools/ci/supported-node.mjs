#!/usr/bin/env node
// The Node the project supports and tests is package.json's `engines.node`
// (">=22.12"). `npm test` and `npm start` refuse an older one with a message
// of their own; `.ci/run` runs this file (exit 1 when the running node is
// older) to decide whether to fetch the supported one.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The supported range and its lowest version, and whether the running node is older. */
export function supportedNode() {
  const range = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).engines.node;
  const [needMajor, needMinor = 0] = range.match(/\d+/g).map(Number);
  const [major, minor] = process.versions.node.split('.').map(Number);
  const tooOld = major < needMajor || (major === needMajor && minor < needMinor);
  return { range, major: needMajor, minimum: `${needMajor}.${needMinor}`, tooOld };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exit(supportedNode().tooOld ? 1 : 0);
