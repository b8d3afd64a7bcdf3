import type { AreaLevel } from '@gridwork/contracts';
import { CITY, DISTRICTS, placeName, type DistrictSpec } from './city.js';
import { Grower, apportion, distanceKm, edgeCosts, splitRegion, type CellGraph, type Terrain } from './partition.js';
import { gaussian, rngFor } from './random.js';

/*
 * The area tree over the fine cells: districts grown from their real
 * centres until each has about its real share of the city's area; townships,
 * communities and grids split from their parent so each holds a similar
 * number of cells (residents). Counts per parent are uneven the way the
 * city's are: real township counts per district, communities by residents
 * and a little by area (villages are large and thin), grids by residents.
 */


export interface AreaNode {
  code: string;
  name: string;
  level: AreaLevel;
  parentCode?: string;
  /** Index of the parent in the level above. */
  parent: number;
  population?: number;
  households?: number;
  cells: number;
  areaKm2: number;
}

export interface Counts {
  districts: number;
  townships: number;
  communities: number;
  grids: number;
}

export const FULL_COUNTS: Counts = { districts: 11, townships: 176, communities: 2_759, grids: 19_500 };

export function scaledCounts(scale: number): Counts {
  const at = (n: number) => Math.max(1, Math.round(n * scale));
  const districts = Math.min(DISTRICTS.length, at(FULL_COUNTS.districts));
  const townships = Math.max(districts, at(FULL_COUNTS.townships));
  const communities = Math.max(townships, at(FULL_COUNTS.communities));
  const grids = Math.max(communities, at(FULL_COUNTS.grids));
  return { districts, townships, communities, grids };
}

export interface Tree {
  city: AreaNode;
  districts: AreaNode[];
  townships: AreaNode[];
  communities: AreaNode[];
  grids: AreaNode[];
  /** Grid index of every cell. */
  gridOf: Int32Array;
  /** How close each district came to its share of the area (actual / target). */
  districtAreaRatios: number[];
}

/** Members of each region, by counting sort. */
function membersOf(regionOf: Int32Array, regions: number): Int32Array[] {
  const counts = new Int32Array(regions);
  for (const r of regionOf) counts[r]++;
  const out = Array.from({ length: regions }, (_, r) => new Int32Array(counts[r]!));
  const fill = new Int32Array(regions);
  regionOf.forEach((r, cell) => {
    out[r]![fill[r]!++] = cell;
  });
  return out;
}

/** Sum of area and the mean position of a region's cells. */
function regionStats(graph: CellGraph, members: Int32Array): { area: number; x: number; y: number } {
  let area = 0;
  let x = 0;
  let y = 0;
  for (const cell of members) {
    area += graph.area[cell]!;
    x += graph.x[cell]!;
    y += graph.y[cell]!;
  }
  return { area, x: x / members.length, y: y / members.length };
}

const pad3 = (n: number) => String(n).padStart(3, '0');

export function buildTree(graph: CellGraph, seed: number, counts: Counts): Tree {
  const n = graph.n;
  const grower = new Grower(graph);
  const everything = new Int32Array(n).map((_, i) => i);
  const zero = new Int32Array(n);
  const label = new Int32Array(n);
  const cityStats = regionStats(graph, everything);
  const city: AreaNode = { code: CITY.code, name: CITY.name, level: 'city', parent: -1, cells: n, areaKm2: cityStats.area };

  // ---- districts: from their real centres, weighted until each has its share of the area.
  const specs: DistrictSpec[] = DISTRICTS.slice(0, counts.districts);
  const districtSeeds = specs.map((spec) => {
    let best = 0;
    let bestD = Infinity;
    for (let cell = 0; cell < n; cell++) {
      const d = distanceKm(graph.x[cell]!, graph.y[cell]!, spec.centre[0], spec.centre[1]);
      if (d < bestD) {
        bestD = d;
        best = cell;
      }
    }
    return best;
  });
  if (new Set(districtSeeds).size !== districtSeeds.length) throw new Error('two districts start from the same cell');
  const targetArea = specs.map((spec) => spec.areaKm2);
  const targetSum = targetArea.reduce((a, b) => a + b, 0);
  const geographic = edgeCosts(graph, hashSalt(seed, 1), 0.45, true, { cellDeg: 0.05, amplitude: 2 });
  const weights = specs.map(() => 1);
  let ratios: number[] = [];
  for (let round = 0; round < 60; round++) {
    grower.grow(everything, zero, 0, districtSeeds, geographic, label, weights);
    const areas = new Float64Array(specs.length);
    for (let cell = 0; cell < n; cell++) areas[label[cell]!] += graph.area[cell]!;
    ratios = specs.map((_, k) => areas[k]! / ((targetArea[k]! / targetSum) * cityStats.area));
    if (ratios.every((r) => Math.abs(r - 1) < 0.03)) break;
    specs.forEach((_, k) => (weights[k] = weights[k]! * Math.min(1.5, Math.max(0.67, Math.pow(ratios[k]!, 0.6)))));
  }
  const districtOf = Int32Array.from(label);
  const districtMembers = membersOf(districtOf, specs.length);
  const districts: AreaNode[] = specs.map((spec, k) => ({
    code: spec.code,
    name: spec.name,
    level: 'district',
    parentCode: city.code,
    parent: 0,
    cells: districtMembers[k]!.length,
    areaKm2: regionStats(graph, districtMembers[k]!).area,
  }));

  // ---- townships: real counts per district (scaled), split by residents.
  const allEleven = specs.length === DISTRICTS.length;
  const townshipCounts = apportion(
    counts.townships,
    specs.map((spec, k) => (allEleven ? spec.townships : districtMembers[k]!.length)),
    specs.map(() => 1),
    districtMembers.map((m) => m.length),
  );
  const hop = (salt: number, noise: number, terrain: Terrain) => edgeCosts(graph, hashSalt(seed, salt), noise, false, terrain);
  const townshipCosts = hop(2, 0.45, { cellDeg: 0.015, amplitude: 1.6 });
  const townshipOf = new Int32Array(n);
  const townships: AreaNode[] = [];
  const nameRng = rngFor(seed, 'names');
  const takenTownshipNames = new Set<string>();
  const splitRng = rngFor(seed, 'split');
  districts.forEach((district, d) => {
    const members = districtMembers[d]!;
    const k = townshipCounts[d]!;
    splitRegion(grower, graph, members, districtOf, d, k, townshipCosts, label, splitRng, 3);
    const order = orderFrom(graph, members, label, k, specs[d]!.centre);
    const towns = Math.min(k - 1, Math.round((specs[d]!.towns * k) / specs[d]!.townships));
    const base = townships.length;
    order.forEach((_, rank) => {
      const isTown = rank >= k - towns;
      const serial = isTown ? 100 + (rank - (k - towns)) : rank + 1;
      townships.push({
        code: district.code + pad3(serial),
        name: placeName(nameRng, takenTownshipNames) + (isTown ? '镇' : '街道'),
        level: 'township',
        parentCode: district.code,
        parent: d,
        cells: 0,
        areaKm2: 0,
      });
    });
    const position = new Int32Array(k);
    order.forEach((local, rank) => (position[local] = rank));
    for (const cell of members) townshipOf[cell] = base + position[label[cell]!]!;
  });
  fillStats(graph, townships, townshipOf);

  // ---- communities: by residents, a quarter by area.
  const townshipMembers = membersOf(townshipOf, townships.length);
  const communityCounts = apportion(
    counts.communities,
    townships.map((t) => 0.75 * (t.cells / n) + 0.25 * (t.areaKm2 / cityStats.area)),
    townships.map(() => 1),
    townshipMembers.map((m) => m.length),
  );
  const communityCosts = hop(3, 0.4, { cellDeg: 0.006, amplitude: 1.2 });
  const communityOf = new Int32Array(n);
  const communities: AreaNode[] = [];
  townships.forEach((township, t) => {
    const members = townshipMembers[t]!;
    const k = communityCounts[t]!;
    splitRegion(grower, graph, members, townshipOf, t, k, communityCosts, label, splitRng, 3);
    const centre = regionStats(graph, members);
    const order = orderFrom(graph, members, label, k, [centre.x, centre.y]);
    const isTown = township.name.endsWith('镇');
    // In a town the centre is residents' committees (社区, 0xx), the rest villages (村, 2xx).
    const neighbourhoods = isTown ? Math.max(1, Math.round(k * 0.3)) : k;
    const taken = new Set<string>();
    const base = communities.length;
    order.forEach((_, rank) => {
      const isVillage = rank >= neighbourhoods;
      const serial = isVillage ? 200 + (rank - neighbourhoods) : rank + 1;
      communities.push({
        code: township.code + pad3(serial),
        name: placeName(nameRng, taken) + (isVillage ? '村' : '社区'),
        level: 'community',
        parentCode: township.code,
        parent: t,
        cells: 0,
        areaKm2: 0,
      });
    });
    const position = new Int32Array(k);
    order.forEach((local, rank) => (position[local] = rank));
    for (const cell of members) communityOf[cell] = base + position[label[cell]!]!;
  });
  fillStats(graph, communities, communityOf);

  // ---- grids: by residents.
  const communityMembers = membersOf(communityOf, communities.length);
  const gridCounts = apportion(
    counts.grids,
    communities.map((c) => c.cells),
    communities.map(() => 1),
    communityMembers.map((m) => Math.min(m.length, 999)),
  );
  const gridCosts = hop(4, 0.35, { cellDeg: 0.002, amplitude: 0.8 });
  const gridOf = new Int32Array(n);
  const grids: AreaNode[] = [];
  const populationRng = rngFor(seed, 'population');
  communities.forEach((community, c) => {
    const members = communityMembers[c]!;
    const k = gridCounts[c]!;
    splitRegion(grower, graph, members, communityOf, c, k, gridCosts, label, splitRng, 4);
    const centre = regionStats(graph, members);
    const order = orderFrom(graph, members, label, k, [centre.x, centre.y]);
    const base = grids.length;
    order.forEach((_, rank) => {
      // About 960 residents a grid (18.8 million / 19,500), 300 to 1,500; about 2.6 to a household.
      const population = Math.round(Math.min(1_500, Math.max(300, 965 + 250 * gaussian(populationRng))));
      const households = Math.round(population / (2.35 + 0.5 * populationRng()));
      grids.push({
        code: community.code + pad3(rank + 1),
        name: `${community.name}第${rank + 1}网格`,
        level: 'grid',
        parentCode: community.code,
        parent: c,
        population,
        households,
        cells: 0,
        areaKm2: 0,
      });
    });
    const position = new Int32Array(k);
    order.forEach((local, rank) => (position[local] = rank));
    for (const cell of members) gridOf[cell] = base + position[label[cell]!]!;
  });
  fillStats(graph, grids, gridOf);

  return { city, districts, townships, communities, grids, gridOf, districtAreaRatios: ratios };
}

const hashSalt = (seed: number, level: number) => (Math.imul(seed, 0x9e3779b1) ^ (level * 0x85ebca6b)) >>> 0;

/** Local labels 0..k-1 ordered by how far their middle is from `from` (nearest first). */
function orderFrom(graph: CellGraph, members: Int32Array, label: Int32Array, k: number, from: [number, number]): number[] {
  const sx = new Float64Array(k);
  const sy = new Float64Array(k);
  const count = new Float64Array(k);
  for (const cell of members) {
    const l = label[cell]!;
    sx[l] += graph.x[cell]!;
    sy[l] += graph.y[cell]!;
    count[l]++;
  }
  const distance = Array.from({ length: k }, (_, l) => distanceKm(sx[l]! / count[l]!, sy[l]! / count[l]!, from[0], from[1]));
  return Array.from({ length: k }, (_, l) => l).sort((a, b) => distance[a]! - distance[b]! || a - b);
}

function fillStats(graph: CellGraph, nodes: AreaNode[], of: Int32Array): void {
  for (const node of nodes) {
    node.cells = 0;
    node.areaKm2 = 0;
  }
  of.forEach((index, cell) => {
    nodes[index]!.cells++;
    nodes[index]!.areaKm2 += graph.area[cell]!;
  });
}
