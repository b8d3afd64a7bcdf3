import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GridworkError, subjects, type CaseTimelineLine } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { dispatchService } from '../src/dispatch.definition.js';

const operator = { kind: 'operator' as const, id: 'op-1', name: 'Dispatcher Li' };
const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as GridworkError);

/**
 * `case.timeline` over NATS, as a system that mirrors cases polls it: every
 * case's lines in a window, oldest first, with the case and its state once
 * each line was written, paged without losing or repeating a line.
 */
describe('dispatch case timeline across cases', () => {
  let world: TestWorld;
  let from: string;
  let n = 0;
  const report = async () =>
    (
      await world.client.request(subjects.dispatch.case.report, {
        idempotencyKey: `timeline-${++n}`,
        channel: 'hotline-12345',
        categoryCode: 'environment',
        description: `Case ${n}`,
        address: 'No. 1 Gate Road',
      })
    ).case;
  const timeline = (request: { from: string; to?: string; stateChangesOnly?: boolean; after?: string; limit?: number }) =>
    world.client.request(subjects.dispatch.case.timeline, request);
  const all = async (request: { from: string; to?: string; stateChangesOnly?: boolean }, limit: number) => {
    const lines: CaseTimelineLine[] = [];
    let after: string | undefined;
    do {
      const page = await timeline({ ...request, limit, ...(after ? { after } : {}) });
      lines.push(...page.items);
      after = page.nextAfter;
    } while (after);
    return lines;
  };

  let first: { id: string; number: string };
  let second: { id: string; number: string };

  beforeAll(async () => {
    world = await testWorld(['dispatch']);
    await world.start(dispatchService, 'dispatch');
    await world.client.request(subjects.dispatch.category.define, {
      code: 'environment',
      name: 'Environment',
      responsible: { kind: 'level', level: 'grid' },
      acceptHours: 2,
      completeHours: 24,
      hoursKind: 'calendar',
    });
    from = new Date(Date.now() - 1000).toISOString();
    first = await report();
    second = await report();
    await world.client.request(subjects.dispatch.case.accept, { caseId: first.id, actor: operator });
    await world.client.request(subjects.dispatch.case.assign, { caseId: first.id, actor: operator, to: { kind: 'department', department: 'housing' }, reason: 'a housing matter' });
    // A line that moves no state: a supervision order from the platform.
    await world.client.request(subjects.dispatch.case.supervise, { caseId: first.id, actor: operator, issuer: { level: 'platform' }, note: 'Report back by noon' });
    await world.client.request(subjects.dispatch.case.reject, { caseId: second.id, actor: operator, reason: 'not a city matter' });
  });
  afterAll(() => world?.dispose());

  it('lists every case’s lines in the window oldest first, with the case and the state after each line', async () => {
    const { items, nextAfter } = await timeline({ from });
    expect(nextAfter).toBeUndefined();
    const ofFirst = items.filter((line) => line.caseId === first.id);
    expect(ofFirst.map((line) => [line.action, line.state])).toEqual([
      ['report', 'reported'],
      // Intake could not route it (no grid data here): a line that says why, moving no state.
      ['route', 'reported'],
      ['accept', 'accepted'],
      ['assign', 'assigned'],
      ['supervise', 'assigned'],
    ]);
    expect(ofFirst[4]).toMatchObject({ caseNumber: first.number, categoryCode: 'environment', reason: 'Report back by noon', actorName: 'Dispatcher Li' });
    expect(ofFirst[4]!.toState).toBeUndefined();
    const ofSecond = items.filter((line) => line.caseId === second.id);
    expect(ofSecond.map((line) => [line.action, line.state])).toEqual([
      ['report', 'reported'],
      ['route', 'reported'],
      ['reject', 'rejected'],
    ]);
    expect(ofSecond[2]!.reason).toBe('not a city matter');
    const times = items.map((line) => Date.parse(line.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));

    // The window's bounds hold: nothing before from, nothing at or after to.
    expect((await timeline({ from: new Date(Date.now() + 60_000).toISOString(), to: new Date(Date.now() + 120_000).toISOString() })).items).toEqual([]);
    const before = await timeline({ from: new Date(Date.now() - 3_600_000).toISOString(), to: from });
    expect(before.items).toEqual([]);
  });

  it('pages through the window without losing or repeating a line, and leaves out lines that move no state when asked', async () => {
    const whole = (await timeline({ from })).items;
    const paged = await all({ from }, 2);
    expect(paged).toEqual(whole);
    expect(new Set(paged.map((line) => `${line.caseId}.${line.seq}`)).size).toBe(whole.length);
    const changes = await all({ from, stateChangesOnly: true }, 3);
    expect(changes.map((line) => line.action)).not.toContain('supervise');
    expect(changes).toEqual(whole.filter((line) => line.toState !== undefined));
  });

  it('names each wrong field, and refuses a window that ends before it starts', async () => {
    const bad = await errorOf(timeline({ from: 'yesterday', limit: 0, after: 'not-a-cursor' } as never));
    expect(bad?.code).toBe('VALIDATION_FAILED');
    expect(bad?.details?.map((detail) => detail.field).sort()).toEqual(['after', 'from', 'limit']);
    const backwards = await errorOf(timeline({ from, to: new Date(Date.parse(from) - 1000).toISOString() }));
    expect(backwards?.details).toEqual([{ field: 'to', messages: ['to must be after from'] }]);
  });
});
