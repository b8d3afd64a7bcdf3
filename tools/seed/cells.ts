import type pg from 'pg';
import { KM_PER_DEG_LAT, KM_PER_DEG_LON, bboxOf, density, insideRing, type Point } from './city.js';
import type { CellGraph } from './partition.js';
import type { Rng } from './random.js';

/*
 * The fine cells every area is made of: sample points spread like residents
 * (so each cell holds about as many people as the next), their Voronoi cells
 * from PostGIS, coordinates snapped to whole micro-degrees in one place so
 * neighbours keep sharing exactly the same vertices, and which cells share
 * an edge. Areas are unions of these cells, so siblings tile their parent
 * exactly by construction.
 */

/** Coordinates are stored as integer micro-degrees (about 0.1 m). */
export const SCALE = 1e6;

export interface Cells {
  graph: CellGraph;
  /** Ring of cell i (open, counter-clockwise): `coords[2*ringStart[i] .. 2*ringStart[i+1])` as [x, y] micro-degrees. */
  ringStart: Int32Array;
  coords: Int32Array;
  /** Sample points kept and dropped. */
  stats: { sampled: number; inside: number; cells: number; dropped: number; sharedEdges: number };
}

/**
 * Points distributed by residential density over the outline's box (plus a
 * margin, so every inside cell is closed by outside neighbours), with a
 * minimum spacing that keeps Voronoi cells well shaped. Stops once `inside`
 * points fall inside the outline.
 */
export function samplePoints(seed: number, rng: Rng, outline: Point[], inside: number): { xs: Float64Array; ys: Float64Array; isInside: Uint8Array } {
  const margin = 0.04;
  const [w0, s0, e0, n0] = bboxOf(outline);
  const [w, s, e, n] = [w0 - margin, s0 - margin, e0 + margin, n0 + margin];
  // A lattice of density samples: pick a lattice cell by its share, a point in it, then accept by the exact density.
  const nx = 300;
  const ny = 300;
  const cw = (e - w) / nx;
  const ch = (n - s) / ny;
  const cumulative = new Float64Array(nx * ny);
  const cellDensity = new Float64Array(nx * ny);
  let total = 0;
  let insideMass = 0;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const x = w + (i + 0.5) * cw;
      const y = s + (j + 0.5) * ch;
      const d = density(seed, x, y);
      cellDensity[j * nx + i] = d;
      total += d;
      cumulative[j * nx + i] = total;
      if (insideRing(outline, x, y)) insideMass += d;
    }
  }
  // Residents per point → the area each point stands for → a minimum spacing (0.4 of the expected).
  const cellKm2 = cw * KM_PER_DEG_LON * ch * KM_PER_DEG_LAT;
  const minSpacingDeg = (x: number, y: number) => {
    const km2PerPoint = (insideMass * cellKm2) / (inside * density(seed, x, y));
    return Math.min(BUCKET, (0.4 * Math.sqrt(km2PerPoint)) / KM_PER_DEG_LON);
  };
  const BUCKET = 0.002;
  const buckets = new Map<number, number[]>();
  const bucketKey = (bx: number, by: number) => bx * 100_000 + by;
  const xs: number[] = [];
  const ys: number[] = [];
  const flags: number[] = [];
  let count = 0;
  let attempts = 0;
  const maxAttempts = inside * 200;
  while (count < inside) {
    if (++attempts > maxAttempts) throw new Error(`could not place ${inside} points (placed ${count})`);
    const r = rng() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    const i = lo % nx;
    const j = Math.floor(lo / nx);
    const x = w + (i + rng()) * cw;
    const y = s + (j + rng()) * ch;
    if (rng() * 1.6 * cellDensity[lo]! > density(seed, x, y)) continue;
    const spacing = minSpacingDeg(x, y);
    const bx = Math.floor((x - w) / BUCKET);
    const by = Math.floor((y - s) / BUCKET);
    let tooClose = false;
    for (let dx = -1; dx <= 1 && !tooClose; dx++) {
      for (let dy = -1; dy <= 1 && !tooClose; dy++) {
        const list = buckets.get(bucketKey(bx + dx, by + dy));
        if (!list) continue;
        for (const p of list) {
          const ddx = (xs[p]! - x) * (KM_PER_DEG_LON / KM_PER_DEG_LAT);
          const ddy = ys[p]! - y;
          if (ddx * ddx + ddy * ddy < spacing * spacing) {
            tooClose = true;
            break;
          }
        }
      }
    }
    if (tooClose) continue;
    const key = bucketKey(bx, by);
    const list = buckets.get(key) ?? [];
    list.push(xs.length);
    buckets.set(key, list);
    xs.push(x);
    ys.push(y);
    const isIn = insideRing(outline, x, y);
    flags.push(isIn ? 1 : 0);
    if (isIn) count++;
  }
  return { xs: Float64Array.from(xs), ys: Float64Array.from(ys), isInside: Uint8Array.from(flags) };
}

/** Reads the one ring of a WKB polygon (little- or big-endian) as flat [x, y, ...] without the closing point. */
function wkbRing(buffer: Buffer): number[] {
  const little = buffer.readUInt8(0) === 1;
  const u32 = (o: number) => (little ? buffer.readUInt32LE(o) : buffer.readUInt32BE(o));
  const f64 = (o: number) => (little ? buffer.readDoubleLE(o) : buffer.readDoubleBE(o));
  const type = u32(1);
  if ((type & 0xff) !== 3) throw new Error(`expected a WKB polygon, got type ${type}`);
  const hasSrid = (type & 0x20000000) !== 0;
  let o = 5 + (hasSrid ? 4 : 0);
  const rings = u32(o);
  if (rings !== 1) throw new Error(`a Voronoi cell with ${rings} rings`);
  o += 4;
  const points = u32(o);
  o += 4;
  const out: number[] = [];
  for (let p = 0; p < points - 1; p++) out.push(f64(o + p * 16), f64(o + p * 16 + 8));
  return out;
}

/**
 * Voronoi cells of the points in PostGIS, the inside ones snapped to micro-
 * degrees and joined by their shared edges; the largest connected set of
 * cells is the city.
 */
export async function buildCells(db: pg.Client, xs: Float64Array, ys: Float64Array, isInside: Uint8Array): Promise<Cells> {
  await db.query('DROP TABLE IF EXISTS seed_site, seed_voronoi');
  await db.query('CREATE UNLOGGED TABLE seed_site (id int PRIMARY KEY, inside boolean NOT NULL, geom geometry(Point, 4326) NOT NULL)');
  const CHUNK = 50_000;
  for (let start = 0; start < xs.length; start += CHUNK) {
    const end = Math.min(xs.length, start + CHUNK);
    await db.query(
      `INSERT INTO seed_site SELECT $1::int + i - 1, f, ST_SetSRID(ST_MakePoint(x, y), 4326)
         FROM unnest($2::float8[], $3::float8[], $4::bool[]) WITH ORDINALITY AS t(x, y, f, i)`,
      [start, Array.from(xs.subarray(start, end)), Array.from(ys.subarray(start, end)), Array.from(isInside.subarray(start, end), (f) => f === 1)],
    );
  }
  await db.query('CREATE INDEX ON seed_site USING gist (geom)');
  await db.query('CREATE UNLOGGED TABLE seed_voronoi AS SELECT (ST_Dump(ST_VoronoiPolygons(ST_Collect(geom)))).geom AS geom FROM seed_site');
  const { rows } = await db.query<{ id: number; wkb: Buffer }>(
    `SELECT s.id, ST_AsBinary(v.geom) AS wkb FROM seed_voronoi v JOIN seed_site s ON s.inside AND ST_Intersects(v.geom, s.geom) ORDER BY s.id`,
  );
  await db.query('DROP TABLE seed_site, seed_voronoi');

  // Snap, drop repeated vertices, orient counter-clockwise.
  const rings: Int32Array[] = [];
  const sites: number[] = [];
  let degenerate = 0;
  for (const row of rows) {
    const raw = wkbRing(row.wkb);
    const ring: number[] = [];
    for (let k = 0; k < raw.length; k += 2) {
      const x = Math.round(raw[k]! * SCALE);
      const y = Math.round(raw[k + 1]! * SCALE);
      const m = ring.length;
      if (m >= 2 && ring[m - 2] === x && ring[m - 1] === y) continue;
      ring.push(x, y);
    }
    while (ring.length >= 4 && ring[0] === ring[ring.length - 2] && ring[1] === ring[ring.length - 1]) ring.length -= 2;
    if (ring.length < 6 || signedArea2(ring) === 0) {
      degenerate++;
      continue;
    }
    if (signedArea2(ring) < 0) reverseRing(ring);
    rings.push(Int32Array.from(ring));
    sites.push(row.id);
  }
  if (degenerate > 0) throw new Error(`${degenerate} Voronoi cells collapsed when snapped to micro-degrees`);

  // Shared edges: a segment p→q of one cell is q→p of its neighbour.
  const owner = new Map<string, number>();
  const pairs: number[] = [];
  rings.forEach((ring, cell) => {
    const m = ring.length / 2;
    for (let k = 0; k < m; k++) {
      const k2 = (k + 1) % m;
      const forward = `${ring[2 * k]},${ring[2 * k + 1]},${ring[2 * k2]},${ring[2 * k2 + 1]}`;
      const backward = `${ring[2 * k2]},${ring[2 * k2 + 1]},${ring[2 * k]},${ring[2 * k + 1]}`;
      const other = owner.get(backward);
      if (other !== undefined) {
        pairs.push(other, cell);
        owner.delete(backward);
      } else {
        owner.set(forward, cell);
      }
    }
  });

  // Largest connected set of cells.
  const total = rings.length;
  const adjacency: number[][] = Array.from({ length: total }, () => []);
  for (let p = 0; p < pairs.length; p += 2) {
    const a = pairs[p]!;
    const b = pairs[p + 1]!;
    if (a === b) continue;
    adjacency[a]!.push(b);
    adjacency[b]!.push(a);
  }
  const component = new Int32Array(total).fill(-1);
  let best = -1;
  let bestSize = 0;
  for (let start = 0; start < total; start++) {
    if (component[start] !== -1) continue;
    const stack = [start];
    component[start] = start;
    let size = 0;
    while (stack.length > 0) {
      const cell = stack.pop()!;
      size++;
      for (const next of adjacency[cell]!) {
        if (component[next] === -1) {
          component[next] = start;
          stack.push(next);
        }
      }
    }
    if (size > bestSize) {
      bestSize = size;
      best = start;
    }
  }
  const keep: number[] = [];
  const newIndex = new Int32Array(total).fill(-1);
  for (let cell = 0; cell < total; cell++) {
    if (component[cell] === best) {
      newIndex[cell] = keep.length;
      keep.push(cell);
    }
  }

  const n = keep.length;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const area = new Float64Array(n);
  const ringStart = new Int32Array(n + 1);
  let vertices = 0;
  keep.forEach((cell, i) => {
    ringStart[i] = vertices;
    vertices += rings[cell]!.length / 2;
  });
  ringStart[n] = vertices;
  const coords = new Int32Array(vertices * 2);
  const offsets = new Int32Array(n + 1);
  const neighbourLists: number[][] = [];
  keep.forEach((cell, i) => {
    const ring = rings[cell]!;
    coords.set(ring, ringStart[i]! * 2);
    const [cx, cy, a2] = centroid(ring);
    x[i] = cx / SCALE;
    y[i] = cy / SCALE;
    area[i] = (a2 / 2 / (SCALE * SCALE)) * KM_PER_DEG_LON * KM_PER_DEG_LAT;
    const list = [...new Set(adjacency[cell]!.map((other) => newIndex[other]!).filter((j) => j >= 0))];
    neighbourLists.push(list);
  });
  let edges = 0;
  neighbourLists.forEach((list, i) => {
    offsets[i] = edges;
    edges += list.length;
  });
  offsets[n] = edges;
  const neighbours = new Int32Array(edges);
  neighbourLists.forEach((list, i) => neighbours.set(list, offsets[i]!));

  return {
    graph: { n, x, y, area, offsets, neighbours },
    ringStart,
    coords,
    stats: { sampled: xs.length, inside: rows.length, cells: n, dropped: total - n + degenerate, sharedEdges: edges / 2 },
  };
}

/** Twice the signed area of a flat ring (positive when counter-clockwise). */
function signedArea2(ring: number[] | Int32Array): number {
  let sum = 0;
  const m = ring.length / 2;
  for (let k = 0; k < m; k++) {
    const k2 = (k + 1) % m;
    sum += ring[2 * k]! * ring[2 * k2 + 1]! - ring[2 * k2]! * ring[2 * k + 1]!;
  }
  return sum;
}

function reverseRing(ring: number[]): void {
  const m = ring.length / 2;
  for (let k = 0; k < m / 2; k++) {
    const j = m - 1 - k;
    [ring[2 * k], ring[2 * j]] = [ring[2 * j]!, ring[2 * k]!];
    [ring[2 * k + 1], ring[2 * j + 1]] = [ring[2 * j + 1]!, ring[2 * k + 1]!];
  }
}

/** Area-weighted centroid [x, y] and twice the area, in the ring's units (relative to its first vertex for precision). */
function centroid(ring: Int32Array): [number, number, number] {
  const m = ring.length / 2;
  const ox = ring[0]!;
  const oy = ring[1]!;
  let a2 = 0;
  let cx = 0;
  let cy = 0;
  for (let k = 0; k < m; k++) {
    const k2 = (k + 1) % m;
    const x1 = ring[2 * k]! - ox;
    const y1 = ring[2 * k + 1]! - oy;
    const x2 = ring[2 * k2]! - ox;
    const y2 = ring[2 * k2 + 1]! - oy;
    const cross = x1 * y2 - x2 * y1;
    a2 += cross;
    cx += (x1 + x2) * cross;
    cy += (y1 + y2) * cross;
  }
  return [ox + cx / (3 * a2), oy + cy / (3 * a2), a2];
}
