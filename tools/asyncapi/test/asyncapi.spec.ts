import { describe, expect, it } from 'vitest';
import { allDefinitions } from '@gridwork/contracts';
import { buildAsyncApiDocument, channelAddressOf } from '../document.js';

describe('AsyncAPI document', () => {
  const doc = buildAsyncApiDocument('test') as {
    channels: Record<string, { address: string; parameters?: Record<string, unknown> }>;
    components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
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
});
