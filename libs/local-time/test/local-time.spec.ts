import { describe, expect, it } from 'vitest';
import { localDay, localTime, today } from '../src/index.js';

describe('local time (Asia/Shanghai, UTC+8 all year)', () => {
  it('puts an instant on its Beijing day and clock, across midnight', () => {
    expect(localDay('2026-11-23T15:59:59.999Z')).toBe('2026-11-23');
    expect(localDay('2026-11-23T16:00:00.000Z')).toBe('2026-11-24');
    expect(localTime(new Date('2026-11-23T06:05:00Z'))).toBe('2026-11-23 14:05 +08:00');
    // No daylight saving: midsummer is UTC+8 too.
    expect(localTime(Date.parse('2026-07-01T00:00:00Z'))).toBe('2026-07-01 08:00 +08:00');
  });
});

describe('today', () => {
  it('is the local day of now', () => {
    const before = localDay(Date.now());
    const day = today();
    // Around local midnight the two reads may straddle it; either day is right then.
    expect([before, localDay(Date.now())]).toContain(day);
    expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
