import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { gatewayService } from '@gridwork/gateway-service/definition';
import { GATEWAY_ENV, baseUrlOf } from './fixtures/http.js';

/** The API's document and its browsable UI at /docs, open without signing in. */
describe('gateway /docs', () => {
  let world: TestWorld;
  let base: string;

  beforeAll(async () => {
    world = await testWorld(['gateway']);
    Object.assign(process.env, GATEWAY_ENV);
    base = await baseUrlOf(await world.start(gatewayService, 'gateway'));
  });
  afterAll(() => world?.dispose());

  it('serves the checked-in OpenAPI document as JSON and YAML', async () => {
    const checkedIn = parse(readFileSync(resolve(import.meta.dirname, '../openapi.yaml'), 'utf8'));
    const json = await fetch(`${base}/docs/openapi.json`);
    expect(json.status).toBe(200);
    const doc = (await json.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc).toEqual(checkedIn);
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/auth/sign-in', '/dispatch/cases', '/dispatch/cases/{caseId}/claim']));
    const yaml = await fetch(`${base}/docs/openapi.yaml`);
    expect(yaml.headers.get('content-type')).toMatch(/^application\/yaml/);
    expect(parse(await yaml.text())).toEqual(checkedIn);
  });

  it('serves Swagger UI on it, and no other file', async () => {
    const page = await fetch(`${base}/docs`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    for (const src of [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)) {
      const asset = await fetch(`${base}${src}`);
      expect({ src, status: asset.status }).toEqual({ src, status: 200 });
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(20);
    }
    expect(await (await fetch(`${base}/docs/ui/init.js`)).text()).toContain("url: '/docs/openapi.json'");
    for (const file of ['index.html', 'package.json', '..%2F..%2Fpackage.json', 'swagger-ui-bundle.js.map']) {
      const refused = await fetch(`${base}/docs/ui/${file}`);
      expect({ file, status: refused.status }).toEqual({ file, status: 404 });
    }
  });
});
