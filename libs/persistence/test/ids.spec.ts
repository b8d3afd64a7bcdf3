import { describe, expect, it } from 'vitest';
import { validate, version } from 'uuid';
import { newId } from '@gridwork/persistence';

describe('newId', () => {
  it('makes distinct uuid v7 ids in the order they were made, across refills of its random pool', () => {
    // 4096 bytes of pool make 256 ids: 10,000 refill it many times, mostly within the same millisecond.
    const ids = Array.from({ length: 10_000 }, () => newId());
    expect(ids.every((id) => validate(id) && version(id) === 7)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    // Time-ordered: the first 48 bits are the millisecond the id was made.
    const ms = parseInt(ids.at(-1)!.replaceAll('-', '').slice(0, 12), 16);
    expect(Math.abs(ms - Date.now())).toBeLessThan(5_000);
  });
});
