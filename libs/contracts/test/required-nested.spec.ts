import { describe, expect, it } from 'vitest';
import { getMetadataStorage } from 'class-validator';
import { allDefinitions } from '../src/index.js';

/**
 * `@ValidateNested()` passes when the field is missing altogether, so a
 * nested message a handler relies on (an `actor`, a `responsible`) must also
 * be `@IsDefined()`, or be `@IsOptional()` on purpose. Without it a request
 * without the field reached the handler and answered INTERNAL
 * (`case.blow-whistle` without `actor`).
 */
describe('nested message fields', () => {
  it('are either required or optional on purpose, in every request and event of the catalogue', () => {
    const storage = getMetadataStorage();
    const seen = new Set<Function>();
    const unguarded: string[] = [];
    const visit = (type: Function) => {
      if (seen.has(type)) return;
      seen.add(type);
      const byField = new Map<string, string[]>();
      for (const rule of storage.getTargetValidationMetadatas(type, '', true, false)) {
        // A rule's kind, or for a custom one its name (`isArray` and `isObject` refuse a missing value too).
        byField.set(rule.propertyName, [...(byField.get(rule.propertyName) ?? []), rule.type === 'customValidation' ? (rule.name ?? rule.type) : rule.type]);
      }
      const guarded = (rules: string[]) => rules.some((rule) => ['conditionalValidation', 'isDefined', 'isArray', 'isObject'].includes(rule));
      for (const [field, rules] of byField) if (rules.includes('nestedValidation') && !guarded(rules)) unguarded.push(`${type.name}.${field}`);
    };
    const definitions = allDefinitions();
    for (const definition of definitions) visit(definition.kind === 'endpoint' ? definition.request : definition.payload);
    expect(seen.size).toBeGreaterThan(100);
    expect(unguarded).toEqual([]);
  });
});
