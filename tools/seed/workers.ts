import { personName } from './city.js';
import { randInt, rngFor, shuffle, type Rng } from './random.js';
import type { Tree } from './tree.js';

/*
 * Grid workers for the seed: one grid head (网格长) per community heading
 * all its grids (two in a large community, none in a few), and ordinary
 * workers so that most grids have one worker, some two and a few none,
 * with some workers covering two grids of their community. The fields are
 * those of `grid.worker.register` and `grid.worker.assign`.
 */

export interface SeedAssignment {
  gridCode: string;
  role: 'worker' | 'head';
}

export interface SeedWorker {
  /** Stable key within the file (the service gives the worker its id). */
  ref: string;
  name: string;
  employment: 'full-time' | 'part-time';
  phone: string;
  gender: 'female' | 'male';
  birthDate: string;
  hiredOn: string;
  communityCode: string;
  assignments: SeedAssignment[];
}

export interface WorkerStats {
  workers: number;
  heads: number;
  fullTime: number;
  partTime: number;
  coveringTwoGrids: number;
  gridsWithNoWorker: number;
  gridsWithOneWorker: number;
  gridsWithTwoWorkers: number;
  gridsWithoutHead: number;
  assignments: number;
}

const MOBILE_PREFIXES = ['130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '155', '156', '157', '158', '159', '176', '177', '180', '181', '182', '186', '187', '188', '189', '199'];

const day = (rng: Rng, fromYear: number, toYear: number) =>
  `${randInt(rng, fromYear, toYear)}-${String(randInt(rng, 1, 12)).padStart(2, '0')}-${String(randInt(rng, 1, 28)).padStart(2, '0')}`;

export function generateWorkers(tree: Tree, seed: number, total: number): { workers: SeedWorker[]; stats: WorkerStats } {
  const rng = rngFor(seed, 'workers');
  const phones = new Set<string>();
  const person = (communityCode: string, employment: SeedWorker['employment'], assignments: SeedAssignment[]): SeedWorker => {
    let phone: string;
    do phone = MOBILE_PREFIXES[Math.floor(rng() * MOBILE_PREFIXES.length)]! + String(randInt(rng, 0, 99_999_999)).padStart(8, '0');
    while (phones.has(phone));
    phones.add(phone);
    const birthYear = randInt(rng, 1966, 2001);
    const hiredYear = randInt(rng, Math.max(2012, birthYear + 21), 2024);
    return {
      ref: '',
      name: personName(rng),
      employment,
      phone,
      gender: rng() < 0.62 ? 'female' : 'male',
      birthDate: day(rng, birthYear, birthYear),
      hiredOn: day(rng, hiredYear, hiredYear),
      communityCode,
      assignments,
    };
  };

  const gridsOf: string[][] = tree.communities.map(() => []);
  tree.grids.forEach((grid) => gridsOf[grid.parent]!.push(grid.code));

  // Heads: one per community heading all its grids; a large community splits them between two; ~2% have none yet.
  const workers: SeedWorker[] = [];
  let gridsWithoutHead = 0;
  tree.communities.forEach((community, c) => {
    const grids = gridsOf[c]!;
    const heads = rng() < 0.02 ? 0 : grids.length >= 10 && rng() < 0.5 ? 2 : 1;
    if (heads === 0) {
      gridsWithoutHead += grids.length;
      return;
    }
    const cut = heads === 2 ? Math.ceil(grids.length / 2) : grids.length;
    for (const part of heads === 2 ? [grids.slice(0, cut), grids.slice(cut)] : [grids]) {
      workers.push(person(community.code, 'full-time', part.map((gridCode) => ({ gridCode, role: 'head' as const }))));
    }
  });
  const heads = workers.length;

  // Ordinary workers: slots are (grid, worker) pairs; a worker covering two grids takes two slots of one community.
  const ordinary = Math.max(0, total - heads);
  const G = tree.grids.length;
  let doubles = Math.round(ordinary * 0.15);
  let none = Math.round(G * 0.03);
  let extra = ordinary + doubles - (G - none);
  if (extra < 0) {
    none = Math.min(G, none - extra);
    extra = 0;
  }
  const staffed = G - none;
  // Too few grids for the workers left (tiny scales): fewer doubles, then as many extra slots as grids allow.
  extra = Math.min(extra, staffed);
  doubles = Math.max(0, Math.min(doubles, extra + staffed - ordinary));
  const order = shuffle(
    rng,
    tree.grids.map((_, i) => i),
  );
  const workersOn = new Int32Array(G);
  for (const g of order.slice(none)) workersOn[g] = 1;
  // Second workers go to the most populous staffed grids (with some luck).
  const byNeed = order
    .slice(none)
    .map((g) => [g, (tree.grids[g]!.population ?? 0) * (0.6 + 0.8 * rng())] as const)
    .sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  for (const [g] of byNeed.slice(0, extra)) workersOn[g] = 2;

  const slotsOf: number[][] = tree.communities.map(() => []);
  tree.grids.forEach((grid, g) => {
    for (let k = 0; k < workersOn[g]!; k++) slotsOf[grid.parent]!.push(g);
  });
  // Pair distinct grids of a community for the workers covering two, spread over communities.
  const communityOrder = shuffle(
    rng,
    tree.communities.map((_, c) => c),
  );
  const paired: [number, number][][] = tree.communities.map(() => []);
  let pairsLeft = doubles;
  for (let pass = 0; pairsLeft > 0 && pass < 50; pass++) {
    let progress = false;
    for (const c of communityOrder) {
      if (pairsLeft === 0) break;
      const slots = slotsOf[c]!;
      // Take two different grids next to each other in code order.
      const sorted = [...slots].sort((a, b) => a - b);
      let taken = false;
      for (let i = 0; i + 1 < sorted.length && !taken; i++) {
        if (sorted[i] !== sorted[i + 1]) {
          const a = sorted[i]!;
          const b = sorted[i + 1]!;
          slots.splice(slots.indexOf(a), 1);
          slots.splice(slots.indexOf(b), 1);
          paired[c]!.push([a, b]);
          pairsLeft--;
          taken = true;
          progress = true;
        }
      }
    }
    if (!progress) break;
  }

  tree.communities.forEach((community, c) => {
    for (const [a, b] of paired[c]!) {
      workers.push(
        person(community.code, rng() < 0.9 ? 'full-time' : 'part-time', [
          { gridCode: tree.grids[a]!.code, role: 'worker' },
          { gridCode: tree.grids[b]!.code, role: 'worker' },
        ]),
      );
    }
    for (const g of slotsOf[c]!) {
      workers.push(person(community.code, rng() < 0.84 ? 'full-time' : 'part-time', [{ gridCode: tree.grids[g]!.code, role: 'worker' }]));
    }
  });
  workers.forEach((worker, i) => (worker.ref = `w${String(i + 1).padStart(6, '0')}`));

  const countsOn = new Int32Array(G);
  const gridIndex = new Map(tree.grids.map((grid, g) => [grid.code, g]));
  let assignments = 0;
  for (const worker of workers) {
    for (const a of worker.assignments) {
      assignments++;
      if (a.role === 'worker') countsOn[gridIndex.get(a.gridCode)!]++;
    }
  }
  const stats: WorkerStats = {
    workers: workers.length,
    heads,
    fullTime: workers.filter((w) => w.employment === 'full-time').length,
    partTime: workers.filter((w) => w.employment === 'part-time').length,
    coveringTwoGrids: workers.filter((w) => w.assignments.length === 2 && w.assignments[0]!.role === 'worker').length,
    gridsWithNoWorker: countsOn.filter((k) => k === 0).length,
    gridsWithOneWorker: countsOn.filter((k) => k === 1).length,
    gridsWithTwoWorkers: countsOn.filter((k) => k === 2).length,
    gridsWithoutHead,
    assignments,
  };
  return { workers, stats };
}
