import { hash01, valueNoise, type Rng } from './random.js';
import { KM_PER_DEG_LAT, KM_PER_DEG_LON } from './city.js';

/*
 * Splitting a set of fine cells (Voronoi cells of the sample points, each
 * holding about the same number of residents) into connected regions.
 * Regions grow from seed cells over the cells' shared edges, cheapest path
 * first (multi-source Dijkstra), so each region is edge-connected and the
 * union of its cells is one polygon; noisy edge costs make borders wander
 * like real ones. A few Lloyd rounds (move each seed to its region's middle,
 * grow again) even out the sizes.
 */

/** Fine cells and which share an edge, in compressed sparse rows. */
export interface CellGraph {
  n: number;
  /** Centroid of each cell, degrees. */
  x: Float64Array;
  y: Float64Array;
  /** Area of each cell, km². */
  area: Float64Array;
  offsets: Int32Array;
  neighbours: Int32Array;
}

export function distanceKm(ax: number, ay: number, bx: number, by: number): number {
  const dx = (ax - bx) * KM_PER_DEG_LON;
  const dy = (ay - by) * KM_PER_DEG_LAT;
  return Math.sqrt(dx * dx + dy * dy);
}

/**
 * Per directed edge: its cost for one level of the tree. `geographic` is the
 * distance in km (regions of similar area); otherwise the distance over the
 * local cell size, about one per step (regions of similar cell count, that is
 * similar population). Noise in [1 - noise, 1 + noise], the same both ways.
 */
export function edgeCosts(graph: CellGraph, salt: number, noise: number, geographic: boolean, terrain?: Terrain): Float64Array {
  const costs = new Float64Array(graph.neighbours.length);
  for (let a = 0; a < graph.n; a++) {
    for (let e = graph.offsets[a]!; e < graph.offsets[a + 1]!; e++) {
      const b = graph.neighbours[e]!;
      const d = distanceKm(graph.x[a]!, graph.y[a]!, graph.x[b]!, graph.y[b]!);
      const base = geographic ? d : d / Math.sqrt((graph.area[a]! + graph.area[b]!) / 2);
      let factor = 1 + noise * (2 * hash01(salt, Math.min(a, b), Math.max(a, b)) - 1);
      if (terrain) {
        const mx = (graph.x[a]! + graph.x[b]!) / 2 / terrain.cellDeg;
        const my = (graph.y[a]! + graph.y[b]!) / 2 / terrain.cellDeg;
        factor *= Math.exp(terrain.amplitude * (valueNoise(salt, mx, my) - 0.5));
      }
      costs[e] = base * factor;
    }
  }
  return costs;
}

/**
 * Smooth variation of cost over the map (value noise on a lattice of
 * `cellDeg`): borders bend around "hills" and "rivers" rather than running
 * straight between seeds. `amplitude` 1.5 gives costs x0.47 to x2.1.
 */
export interface Terrain {
  cellDeg: number;
  amplitude: number;
}

class MinHeap {
  private keys = new Float64Array(1024);
  private items = new Int32Array(1024);
  size = 0;

  push(key: number, item: number): void {
    if (this.size === this.keys.length) {
      const keys = new Float64Array(this.size * 2);
      keys.set(this.keys);
      this.keys = keys;
      const items = new Int32Array(this.size * 2);
      items.set(this.items);
      this.items = items;
    }
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent]! <= key) break;
      this.keys[i] = this.keys[parent]!;
      this.items[i] = this.items[parent]!;
      i = parent;
    }
    this.keys[i] = key;
    this.items[i] = item;
  }

  /** Removes the smallest; read `topKey`/`topItem` first. */
  pop(): void {
    const last = --this.size;
    const key = this.keys[last]!;
    const item = this.items[last]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && this.keys[child + 1]! < this.keys[child]!) child++;
      if (this.keys[child]! >= key) break;
      this.keys[i] = this.keys[child]!;
      this.items[i] = this.items[child]!;
      i = child;
    }
    this.keys[i] = key;
    this.items[i] = item;
  }

  get topKey(): number {
    return this.keys[0]!;
  }
  get topItem(): number {
    return this.items[0]!;
  }
}

/** Scratch space shared by every growth over one graph. */
export class Grower {
  private readonly dist: Float64Array;
  private readonly heap = new MinHeap();

  constructor(private readonly graph: CellGraph) {
    this.dist = new Float64Array(graph.n);
  }

  /**
   * Labels every cell of `members` (all with `regionOf[cell] === region`)
   * with the index of the seed it is cheapest to reach from, writing into
   * `label`. `weights[k]` multiplies seed k's costs (larger grows less).
   */
  grow(members: Int32Array, regionOf: Int32Array, region: number, seeds: number[], costs: Float64Array, label: Int32Array, weights?: number[]): void {
    const { offsets, neighbours } = this.graph;
    const dist = this.dist;
    for (const cell of members) {
      dist[cell] = Infinity;
      label[cell] = -1;
    }
    const heap = this.heap;
    heap.size = 0;
    seeds.forEach((cell, k) => {
      dist[cell] = 0;
      label[cell] = k;
      heap.push(0, cell);
    });
    while (heap.size > 0) {
      const key = heap.topKey;
      const cell = heap.topItem;
      heap.pop();
      if (key > dist[cell]!) continue;
      const k = label[cell]!;
      const w = weights ? weights[k]! : 1;
      for (let e = offsets[cell]!; e < offsets[cell + 1]!; e++) {
        const next = neighbours[e]!;
        if (regionOf[next] !== region) continue;
        const d = key + w * costs[e]!;
        if (d < dist[next]!) {
          dist[next] = d;
          label[next] = k;
          heap.push(d, next);
        }
      }
    }
    for (const cell of members) if (label[cell]! < 0) throw new Error(`cell ${cell} of region ${region} is not connected to its seeds`);
  }
}

/**
 * Splits `members` into `k` connected regions of similar cell count: random
 * seeds, then `rounds` of moving each seed to the cell nearest its region's
 * centroid and growing again. Returns the seeds; `label` holds 0..k-1.
 */
export function splitRegion(
  grower: Grower,
  graph: CellGraph,
  members: Int32Array,
  regionOf: Int32Array,
  region: number,
  k: number,
  costs: Float64Array,
  label: Int32Array,
  rng: Rng,
  rounds: number,
): number[] {
  if (k > members.length) throw new Error(`region ${region} has ${members.length} cells, too few for ${k} parts`);
  // Distinct random members as the first seeds.
  const chosen = new Set<number>();
  while (chosen.size < k) chosen.add(members[Math.floor(rng() * members.length)]!);
  let seeds = [...chosen];
  for (let round = 0; ; round++) {
    grower.grow(members, regionOf, region, seeds, costs, label);
    if (round === rounds || k === 1) return seeds;
    const sx = new Float64Array(k);
    const sy = new Float64Array(k);
    const count = new Float64Array(k);
    for (const cell of members) {
      const l = label[cell]!;
      sx[l] += graph.x[cell]!;
      sy[l] += graph.y[cell]!;
      count[l]++;
    }
    const best = new Float64Array(k).fill(Infinity);
    const next = [...seeds];
    for (const cell of members) {
      const l = label[cell]!;
      const d = distanceKm(graph.x[cell]!, graph.y[cell]!, sx[l]! / count[l]!, sy[l]! / count[l]!);
      if (d < best[l]!) {
        best[l] = d;
        next[l] = cell;
      }
    }
    seeds = next;
  }
}

/**
 * Integers summing to `total`, each within [min, max], about proportional to
 * `weights` (water-filling, then largest remainders).
 */
export function apportion(total: number, weights: number[], min: number[], max: number[]): number[] {
  const n = weights.length;
  const sumMin = min.reduce((a, b) => a + b, 0);
  const sumMax = max.reduce((a, b) => a + b, 0);
  if (total < sumMin || total > sumMax) throw new Error(`cannot share ${total} between ${n} parts (at least ${sumMin}, at most ${sumMax})`);
  const filled = (lambda: number) => weights.map((w, i) => Math.min(max[i]!, Math.max(min[i]!, lambda * w)));
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  let lo = 0;
  let hi = 1;
  while (sum(filled(hi)) < total) {
    hi *= 2;
    if (hi > 1e300) throw new Error('apportion: weights too small to reach the total');
  }
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (sum(filled(mid)) < total) lo = mid;
    else hi = mid;
  }
  const real = filled(hi);
  const out = real.map(Math.floor);
  let remaining = total - sum(out);
  const order = real.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (remaining <= 0) break;
    if (out[i]! < max[i]!) {
      out[i]!++;
      remaining--;
    }
  }
  if (remaining !== 0) throw new Error(`apportion left ${remaining} over`);
  return out;
}
