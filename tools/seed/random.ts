/*
 * Deterministic randomness for the seed generator: every stream is derived
 * from the run's seed and a purpose, so changing how one part draws numbers
 * does not move the others.
 */

export type Rng = () => number;

/** 32-bit FNV-1a then a murmur finaliser: a well-mixed hash of a string. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** Murmur3's finaliser: spreads the bits of a 32-bit integer. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** A uniform number in [0, 1) for integer inputs, the same every time. */
export function hash01(a: number, b = 0, c = 0): number {
  return mix32(mix32(mix32(a) ^ Math.imul(b, 0x9e3779b1)) ^ Math.imul(c, 0x7feb352d)) / 4294967296;
}

/** sfc32 seeded from `seed` and `purpose`. */
export function rngFor(seed: number, purpose: string): Rng {
  let a = hashString(`${seed}:${purpose}:a`);
  let b = hashString(`${seed}:${purpose}:b`);
  let c = hashString(`${seed}:${purpose}:c`);
  let d = 1;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

export const randInt = (rng: Rng, min: number, maxInclusive: number): number => min + Math.floor(rng() * (maxInclusive - min + 1));

export const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

/** Standard normal (Box-Muller). */
export function gaussian(rng: Rng): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Fisher-Yates in place. */
export function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Smooth value noise in [0, 1) on a lattice of unit spacing (bilinear with smoothstep). */
export function valueNoise(seed: number, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const sx = fx * fx * (3 - 2 * fx);
  const sy = fy * fy * (3 - 2 * fy);
  const v = (i: number, j: number) => hash01(seed, i | 0, j | 0);
  const top = v(x0, y0) * (1 - sx) + v(x0 + 1, y0) * sx;
  const bottom = v(x0, y0 + 1) * (1 - sx) + v(x0 + 1, y0 + 1) * sx;
  return top * (1 - sy) + bottom * sy;
}
