import { describe, expect, it } from 'vitest';
import { ShortLived } from '../src/common/short-lived.js';

describe('ShortLived reference data', () => {
  it('reads once per period, again after it, and at once after a drop', async () => {
    const cache = new ShortLived<number>(5_000);
    let reads = 0;
    const read = async () => ++reads;
    expect(await cache.get(read, 1_000)).toBe(1);
    expect(await cache.get(read, 5_999)).toBe(1);
    expect(await cache.get(read, 6_000)).toBe(2);
    cache.drop();
    expect(await cache.get(read, 6_001)).toBe(3);
    // A clock that went back does not keep a value longer.
    expect(await cache.get(read, 500)).toBe(4);
  });
});
