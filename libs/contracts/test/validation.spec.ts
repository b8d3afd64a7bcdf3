import { describe, expect, it } from 'vitest';
import { Type } from 'class-transformer';
import { IsInt, IsString, Min, ValidateNested } from 'class-validator';
import { ErrorCode, GridworkError, allDefinitions, defineEndpoint, defineEvent, parseMessage, subjects } from '../src/index.js';

class Point {
  @IsInt() @Min(-180) lon: number;
}
class Report {
  @IsString() title: string;
  @ValidateNested({ each: true }) @Type(() => Point) points: Point[];
}

const bytes = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
const fieldsOf = async (body: Uint8Array) => {
  const error = await parseMessage(Report, body).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(GridworkError);
  expect((error as GridworkError).code).toBe(ErrorCode.VALIDATION_FAILED);
  return (error as GridworkError).details!.map((d) => d.field);
};

describe('parseMessage', () => {
  it('returns a typed instance for a valid body', async () => {
    const report = await parseMessage(Report, bytes({ title: 'x', points: [{ lon: 3 }] }));
    expect(report).toBeInstanceOf(Report);
    expect(report.points[0]).toBeInstanceOf(Point);
  });

  it('names nested array fields by path', async () => {
    expect(await fieldsOf(bytes({ title: 'x', points: [{ lon: 1 }, { lon: -500 }] }))).toEqual(['points[1].lon']);
  });

  it('refuses a NUL character in any string or key, which PostgreSQL cannot store, naming the field', async () => {
    expect(await fieldsOf(bytes({ title: 'a\u0000b', points: [{ lon: 1 }] }))).toEqual(['title']);
    const error = (await parseMessage(Report, bytes({ title: 'x', points: [], 'k\u0000': 1 })).catch((e: unknown) => e)) as GridworkError;
    expect(error.details![0]).toEqual({ field: 'k\\u0000', messages: ['contains the character U+0000 (NUL), which cannot be stored'] });
    // Only NUL: other control characters and escaped Chinese text pass.
    expect((await parseMessage(Report, bytes('{"title":"\\u4e2d\\u6587\\u0001","points":[]}'))).title).toBe('中文\u0001');
  });

  it('names unknown fields and missing ones', async () => {
    expect((await fieldsOf(bytes({ points: [], extra: 1 }))).sort()).toEqual(['extra', 'title']);
  });

  it('refuses malformed JSON, non-objects and oversized bodies as the whole body', async () => {
    expect(await fieldsOf(bytes('{'))).toEqual(['$']);
    expect(await fieldsOf(bytes('null'))).toEqual(['$']);
    expect(await fieldsOf(bytes('"text"'))).toEqual(['$']);
    const error = await parseMessage(Report, bytes({ title: 'y'.repeat(100), points: [] }), 50).catch((e: unknown) => e as GridworkError);
    expect((error as GridworkError).details![0]!.messages[0]).toMatch(/over the limit of 50/);
  });
});

describe('definitions', () => {
  it('derives subjects from service, aggregate and action, and versions events beside the old ones', () => {
    const endpoint = defineEndpoint({ service: 'dispatch', aggregate: 'case', action: 'report', summary: '', request: Report, reply: Report });
    expect(endpoint.subject).toBe('gov.dispatch.case.report');
    expect(defineEvent({ service: 'dispatch', aggregate: 'case', event: 'assigned', summary: '', payload: Report }).subject).toBe(
      'gov.evt.dispatch.case.assigned',
    );
    expect(defineEvent({ service: 'dispatch', aggregate: 'case', event: 'assigned', version: 2, summary: '', payload: Report }).subject).toBe(
      'gov.evt.dispatch.case.assigned.v2',
    );
    expect(() => defineEndpoint({ service: 'Dispatch', aggregate: 'case', action: 'x', summary: '', request: Report, reply: Report })).toThrow(
      /lower-case/,
    );
  });

  it('catalogues operator endpoints for every service, each subject once', () => {
    const all = allDefinitions(subjects).map((d) => d.subject);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toContain('gov.dispatch.dead-letter.replay');
    expect(all).toContain('gov.grid.health.check');
  });
});
