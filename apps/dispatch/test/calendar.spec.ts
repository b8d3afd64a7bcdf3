import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GridworkError, subjects } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { dueAt, rulesOf } from '../src/calendar/working-calendar.js';
import { dispatchService } from '../src/dispatch.definition.js';

const OFFICE = [
  { start: '09:00', end: '12:00' },
  { start: '13:30', end: '18:00' },
];
/** Local (UTC+8) wall time as an instant. */
const local = (isoLocal: string) => new Date(`${isoLocal}+08:00`);

describe('working calendar arithmetic', () => {
  const plain = rulesOf(OFFICE, new Map());

  it('counts only working periods of working days', () => {
    // Monday 2026-11-23 10:00 + 2 h → 12:00; + 3 h → 14:30 (lunch skipped).
    expect(dueAt(plain, local('2026-11-23T10:00:00'), 2, 'working')).toEqual(local('2026-11-23T12:00:00'));
    expect(dueAt(plain, local('2026-11-23T10:00:00'), 3, 'working')).toEqual(local('2026-11-23T14:30:00'));
    // Friday 17:00 + 2 h → Monday 10:00 (the weekend skipped).
    expect(dueAt(plain, local('2026-11-27T17:00:00'), 2, 'working')).toEqual(local('2026-11-30T10:00:00'));
    // Reported at night: the clock starts next morning.
    expect(dueAt(plain, local('2026-11-23T22:00:00'), 1, 'working')).toEqual(local('2026-11-24T10:00:00'));
    // Calendar hours run round the clock.
    expect(dueAt(plain, local('2026-11-27T17:00:00'), 48, 'calendar')).toEqual(local('2026-11-29T17:00:00'));
  });

  it('skips marked holidays and works marked weekend days', () => {
    const rules = rulesOf(OFFICE, new Map([['2026-11-24', 'holiday'], ['2026-11-28', 'workday']] as const));
    expect(dueAt(rules, local('2026-11-23T17:00:00'), 2, 'working')).toEqual(local('2026-11-25T10:00:00'));
    expect(dueAt(rules, local('2026-11-27T17:00:00'), 2, 'working')).toEqual(local('2026-11-28T10:00:00'));
  });

  it('refuses to loop forever on a calendar with no working time', () => {
    const never = rulesOf([{ start: '09:00', end: '09:00' }], new Map());
    expect(() => dueAt(never, local('2026-11-23T10:00:00'), 1, 'working')).toThrow(/no room/);
  });
});

describe('calendar over NATS', () => {
  let world: TestWorld;
  beforeAll(async () => {
    world = await testWorld(['dispatch']);
    await world.start(dispatchService, 'dispatch');
  });
  afterAll(() => world?.dispose());

  it('keeps holidays and working periods an admin sets, and previews deadlines in them', async () => {
    const set = await world.client.request(subjects.dispatch.calendar.set, {
      days: [
        { date: '2026-11-24', kind: 'holiday', name: 'Test holiday' },
        { date: '2026-11-28', kind: 'workday' },
      ],
      workingPeriods: [{ start: '08:30', end: '12:00' }, { start: '14:00', end: '17:30' }],
    });
    expect(set.days).toEqual([
      { date: '2026-11-24', kind: 'holiday', name: 'Test holiday' },
      { date: '2026-11-28', kind: 'workday' },
    ]);
    const preview = await world.client.request(subjects.dispatch.calendar.previewDeadline, { from: '2026-11-23T09:00:00Z', hours: 1, hoursKind: 'working' });
    // 17:00 local Monday + 1 working hour: 30 minutes Monday, the holiday skipped, 30 minutes Wednesday from 08:30.
    expect(preview.dueAt).toBe(local('2026-11-25T09:00:00').toISOString());
    await world.client.request(subjects.dispatch.calendar.set, { unmark: ['2026-11-24'] });
    const after = await world.client.request(subjects.dispatch.calendar.get, { from: '2026-11-01', to: '2026-11-30' });
    expect(after.days.map((d) => d.date)).toEqual(['2026-11-28']);
    const bad = await world.client.request(subjects.dispatch.calendar.set, { workingPeriods: [{ start: '12:00', end: '09:00' }] }).catch((e: GridworkError) => e);
    expect((bad as GridworkError).details?.[0]).toMatchObject({ field: 'workingPeriods' });
    expect((bad as GridworkError).details?.[0]?.messages[0]).toMatch(/ends \(09:00\) before it starts \(12:00\)/);
  });
});
