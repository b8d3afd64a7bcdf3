import { describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { buildOpenApiDocument, gatewayRoutes } from '../document.js';

type Doc = {
  paths: Record<string, Record<string, { security?: unknown[]; requestBody?: unknown; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
};

describe('the gateway OpenAPI document', () => {
  const doc = buildOpenApiDocument('test') as Doc;

  it('is a valid OpenAPI 3.1 document by the specification’s own schema', async () => {
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('has every route of the gateway, each command of a case its own path', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    for (const route of gatewayRoutes()) {
      const path = route.path.replace(/:(\w+)/g, '{$1}');
      if (route.doc.commands) {
        for (const action of Object.keys(route.doc.commands.each)) expect(documented).toContain(`${route.method} ${path.replace('{action}', action)}`);
      } else {
        expect(documented).toContain(`${route.method} ${path}`);
      }
    }
    expect(documented).toContain('POST /dispatch/cases/{caseId}/hand-back');
    expect(documented).not.toContain('POST /dispatch/cases/{caseId}/{action}');
  });

  it('leaves out of a command’s body what the path and the sign-in give, and asks no sign-in where none is needed', () => {
    const claim = doc.components.schemas.ClaimCaseRequestBody!;
    expect(Object.keys(claim.properties ?? {})).not.toContain('actor');
    expect(Object.keys(claim.properties ?? {})).not.toContain('caseId');
    expect(doc.paths['/auth/sign-in']!.post!.security).toEqual([]);
    expect(doc.paths['/dispatch/cases']!.post!.security).toBeUndefined();
    expect(Object.keys(doc.paths['/dispatch/cases']!.post!.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '413', '422', '503']));
  });

  it('resolves every $ref it contains', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of new Set(refs)) expect(ref.split('/').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc), ref).toBeDefined();
  });
});
