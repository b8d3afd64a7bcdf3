import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { writeOrCheck } from '../schemas/generated-file.js';
import { buildAsyncApiDocument } from './document.js';

/** Writes docs/asyncapi.yaml from the contracts; `--check` only compares (CI runs that). */
const root = resolve(import.meta.dirname, '../../..');
const version = (JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string }).version;
const text = `# Generated from libs/contracts by \`npm run asyncapi\`; do not edit.\n${stringify(buildAsyncApiDocument(version), { aliasDuplicateObjects: false })}`;
writeOrCheck(resolve(root, 'docs/asyncapi.yaml'), text, 'docs/asyncapi.yaml', 'npm run asyncapi');
