import { describe, expect, it } from 'vitest';
import { getMetadataStorage } from 'class-validator';
import { allDefinitions } from '@gridwork/contracts';
import { buildAsyncApiDocument, channelAddressOf } from '../document.js';
import { fieldDoc, readClassDocs } from '../../schemas/field-docs.js';

describe('AsyncAPI document', () => {
  const doc = buildAsyncApiDocument('test') as {
    channels: Record<string, { address: string; parameters?: Record<string, unknown> }>;
    components: { schemas: Record<string, { description?: string; properties?: Record<string, Record<string, unknown>> }> };
  };

  it('has a channel for every subject in the catalogue', () => {
    const addresses = Object.values(doc.channels).map((c) => c.address).sort();
    // An event addressed to departments shows its department token as the parameter {department}.
    expect(addresses).toEqual(allDefinitions().map(channelAddressOf).sort());
  });

  it('names the department of an event addressed to departments as the parameter {department}', () => {
    const channel = Object.values(doc.channels).find((c) => c.address === 'gov.evt.dispatch.notice.{department}.assigned');
    expect(channel?.parameters).toHaveProperty('department');
  });

  it('resolves every $ref it contains', () => {
    const text = JSON.stringify(doc);
    const refs = [...text.matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const target = ref.split('/').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
      expect(target, ref).toBeDefined();
    }
  });

  it('describes message fields from the validation rules, nested types included', () => {
    const list = doc.components.schemas['ListDeadLettersReply']!;
    expect(JSON.stringify(list.properties)).toContain('#/components/schemas/DeadLetter');
    expect(doc.components.schemas['ReplayDeadLetterRequest']!.properties).toHaveProperty('sequence');
  });

  it('gives every message the fields its class validates, also a class that only inherits them (ClaimCaseRequest extends CaseCommand)', () => {
    const short: string[] = [];
    for (const def of allDefinitions()) {
      for (const type of def.kind === 'endpoint' ? [def.request, def.reply] : [def.payload]) {
        const fields = new Set(getMetadataStorage().getTargetValidationMetadatas(type, '', true, false).map((m) => m.propertyName));
        const documented = Object.keys(doc.components.schemas[type.name]?.properties ?? {});
        for (const field of fields) if (!documented.includes(field)) short.push(`${type.name}.${field}`);
      }
    }
    expect(short).toEqual([]);
    expect(Object.keys(doc.components.schemas['ClaimCaseRequest']!.properties!)).toEqual(expect.arrayContaining(['caseId', 'actor']));
  });

  it("describes every field with its class's doc comment, inherited ones too, and the validators' ranges", () => {
    const classes = readClassDocs();
    const expected: string[] = [];
    const missing: string[] = [];
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      for (const [field, property] of Object.entries(schema.properties ?? {})) {
        const comment = fieldDoc(classes, name, field);
        if (!comment) continue;
        expected.push(`${name}.${field}`);
        if (!String(property.description ?? '').startsWith(comment)) missing.push(`${name}.${field}`);
      }
    }
    expect(expected.length).toBeGreaterThan(200);
    expect(missing).toEqual([]);
    const schemas = doc.components.schemas;
    expect(schemas['LocatePointReply']!.properties!['onBorder']!.description).toMatch(/^The point lies on a border shared by several grids/);
    // WorkerSummary inherits leftOn from WorkerView, with its comment.
    expect(schemas['WorkerSummary']!.properties!['leftOn']!.description).toBe('Set once the worker has left; assignments end that day.');
    // A nested class's field keeps its reference, beside the comment.
    expect(schemas['GridReshaped']!.properties!['endedAssignments']).toMatchObject({ type: 'array', items: { $ref: '#/components/schemas/WorkerAssignment' } });
    expect(schemas['LocatePointRequest']!.properties!['longitude']).toMatchObject({ type: 'number', minimum: -180, maximum: 180 });
    expect(schemas['LocatePointRequest']!.properties!['latitude']).toMatchObject({ type: 'number', minimum: -90, maximum: 90 });
    expect(schemas['ListDeadLettersRequest']!.properties!['limit']).toMatchObject({ minimum: 1, maximum: 500 });
  });
});
