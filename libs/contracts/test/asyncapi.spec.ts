import { describe, expect, it } from 'vitest';
import { allDefinitions, buildAsyncApiDocument, channelAddressOf } from '../src/index.js';

describe('AsyncAPI document', () => {
  const doc = buildAsyncApiDocument('test') as {
    channels: Record<string, { address: string }>;
    components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
  };

  it('has a channel for every subject in the catalogue', () => {
    const addresses = Object.values(doc.channels).map((c) => c.address).sort();
    // An event addressed to departments shows its department token as the parameter {department}.
    expect(addresses).toEqual(allDefinitions().map(channelAddressOf).sort());
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
});
