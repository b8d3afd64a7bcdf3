import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { writeOrCheck } from '../schemas/generated-file.js';
import { buildOpenApiDocument } from './document.js';

/** Writes apps/gateway/openapi.yaml (the gateway serves it at /docs) from the gateway's routes; `--check` only compares. */
const root = resolve(import.meta.dirname, '../../..');
const version = (JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string }).version;
const text = `# Generated from apps/gateway by \`npm run openapi\`; do not edit.\n${stringify(buildOpenApiDocument(version), { aliasDuplicateObjects: false })}`;
writeOrCheck(resolve(root, 'apps/gateway/openapi.yaml'), text, 'apps/gateway/openapi.yaml', 'npm run openapi');
