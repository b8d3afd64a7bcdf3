import { describe, expect, it } from 'vitest';
import { getMetadataStorage } from 'class-validator';
import { ErrorCode, GridworkError, allDefinitions, subjects, validateMessage } from '../src/index.js';

/**
 * `@ValidateNested()` passes when the field is missing altogether, so a
 * nested message a handler relies on (an `actor`, a `responsible`) must also
 * be `@IsDefined()`, or be `@IsOptional()` on purpose. Without it a request
 * without the field reached the handler and answered INTERNAL
 * (`case.blow-whistle` without `actor`).
 */
describe('nested message fields', () => {
  it('are either required or optional on purpose, and refuse an array where one object is expected, in every request and event of the catalogue', () => {
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
      for (const [field, rules] of byField) {
        if (!rules.includes('nestedValidation')) continue;
        if (!guarded(rules)) unguarded.push(`${type.name}.${field}`);
        // An array where one object is expected passes @ValidateNested() (it validates each element: none for []).
        // (By name: the test's realm and the contracts' may each have their own Array.)
        const declared = Reflect.getMetadata('design:type', type.prototype, field) as Function | undefined;
        const array = declared?.name === 'Array';
        if (!array && !rules.includes('isObject')) notObject.push(`${type.name}.${field}`);
        if (declared && !array) visit(declared);
      }
    };
    const notObject: string[] = [];
    const definitions = allDefinitions();
    for (const definition of definitions) visit(definition.kind === 'endpoint' ? definition.request : definition.payload);
    expect(seen.size).toBeGreaterThan(100);
    expect(unguarded).toEqual([]);
    expect(notObject).toEqual([]);
  });

  it('refuses an array where one object is expected, naming the field (an actor of [] reached handlers)', async () => {
    const refused = async (type: new () => object, body: object) =>
      validateMessage(type, body).then(
        () => undefined,
        (error: unknown) => (error instanceof GridworkError && error.code === ErrorCode.VALIDATION_FAILED ? error.details!.map((d) => d.field) : error),
      );
    expect(await refused(subjects.dispatch.case.claim.request, { caseId: '0190a000-0000-7000-8000-000000000001', actor: [] })).toContain('actor');
    expect(await refused(subjects.admission.item.withdraw.request, { code: 'a-visits', reason: 'no longer needed', actor: [] })).toContain('actor');
    expect(await refused(subjects.grid.baseRecord.archive.request, { id: '0190a000-0000-7000-8000-000000000001', version: 1, reason: 'gone', actor: [] })).toContain('actor');
  });
});
