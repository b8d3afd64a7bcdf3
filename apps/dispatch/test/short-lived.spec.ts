import { describe, expect, it } from 'vitest';
import { ShortLived, ShortLivedMap } from '../src/common/short-lived.js';

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

  it('per key: reads only the keys missing or too old, together, and all again after a drop', async () => {
    const cache = new ShortLivedMap<string, string>(5_000);
    const calls: string[][] = [];
    const read = async (keys: string[]) => {
      calls.push(keys);
      return new Map(keys.map((k) => [k, `${k}@${calls.length}`]));
    };
    expect([...(await cache.getMany(['a', 'b', 'a'], read, 1_000))]).toEqual([['a', 'a@1'], ['b', 'b@1']]);
    expect(await cache.getMany(['b', 'c'], read, 3_000)).toEqual(new Map([['b', 'b@1'], ['c', 'c@2']]));
    // a and b are 5 s old at 6,000; c is not.
    expect(await cache.getMany(['a', 'b', 'c'], read, 6_000)).toEqual(new Map([['a', 'a@3'], ['b', 'b@3'], ['c', 'c@2']]));
    cache.drop();
    await cache.getMany(['c'], read, 6_001);
    expect(calls).toEqual([['a', 'b'], ['c'], ['a', 'b'], ['c']]);
    await expect(cache.getMany(['d'], async () => new Map(), 7_000)).rejects.toThrow(/no value read for d/);
  });
});
