import { performance } from 'node:perf_hooks';
import { Objm } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/nats-core';
import {
  AREA_IMPORT_BUCKET,
  AREA_IMPORT_BUCKET_OPTIONS,
  GRID_ITEM_TYPES,
  MAX_GATE_BATCH,
  subjects,
  type AdmissionLevel,
  type AreaLevel,
  type DefineItemRequest,
  type ItemKind,
  type ListEntryInput,
  type ListKey,
} from '@gridwork/contracts';
import { GridworkClient } from '@gridwork/client';
import { today } from '@gridwork/local-time';
import { pool, type Log } from './loader.js';
import { pick, randInt, rngFor, shuffle, type Rng } from './random.js';
import { until } from '../bench/stats.js';

/*
 * An admission world at the issue's scale: an area tree (3,000 areas by
 * default) imported into the grid service, a catalogue of 5,000 items and
 * the lists of every area, made over NATS through the contracts as the
 * burden-reduction office would make them:
 *
 * - areas go into the grid service (`grid.area.import` through the
 *   GRID_IMPORTS object store), and the admission service learns them from
 *   grid's events into `known_area`, as in production; the generator waits
 *   until the gate knows every one;
 * - items are defined with `admission.item.define` (every kind, grid items
 *   with their type, owning departments, levels);
 * - every area gets an admitted list for each level it may carry (areas
 *   above grids: community and grid; grids: grid), the city and some
 *   districts a negative list; each list is edited as a draft and published
 *   from today, about a third get a second version in force from a later day
 *   (a few a third), and a few are left with an unpublished draft. Lower lists
 *   override some of the items above them (`admitted: false`);
 * - finally some items are withdrawn, from today or a later day.
 *
 * Everything is drawn from `seed`, so the same seed makes the same world
 * (effective days are counted from the day it runs).
 */

export interface AdmissionWorldOptions {
  /** Areas in the tree, city included (at least 5: one of each level). */
  areas: number;
  items: number;
  seed: number;
  /** The city's code; the other codes are numbered below it, administrative-style (district +2 digits, then +3 each). */
  cityCode: string;
  /** Requests in flight. */
  concurrency: number;
  log: Log;
}

export interface SeedArea {
  code: string;
  name: string;
  level: AreaLevel;
  parentCode?: string;
  /** [west, south, east, north]: each child is a strip of its parent, so every level tiles the one above. */
  box: [number, number, number, number];
}

/** One list of the plan and its versions, in order: what to put and remove on the draft, then the day to publish it (days from today), or none to leave the draft. */
export interface PlannedList {
  key: ListKey;
  versions: { put: ListEntryInput[]; remove: string[]; publishInDays?: number }[];
}

export interface AdmissionWorld {
  areas: SeedArea[];
  items: DefineItemRequest[];
  lists: PlannedList[];
  /** Item code → the day (days from today) it is withdrawn from. */
  withdrawals: Map<string, number>;
}

export interface AdmissionWorldSummary {
  areas: Record<AreaLevel, number>;
  items: number;
  withdrawn: number;
  lists: { admitted: number; negative: number };
  versions: { published: number; inForceLater: number; drafts: number };
  /** Entries of the published versions. */
  entries: number;
  seconds: { areas: number; items: number; lists: number; total: number };
}

const ACTOR = { id: 'seed-admission', name: 'Burden-reduction office (generated)' };

const DEPARTMENTS = [
  'civil-affairs', 'housing', 'health', 'education', 'public-security', 'emergency', 'market-regulation', 'human-resources',
  'ecology', 'urban-management', 'water', 'agriculture', 'culture', 'sports', 'veterans', 'justice', 'transport', 'planning',
  'fire', 'statistics', 'womens-federation', 'youth-league', 'disabled-federation', 'medical-insurance',
];

/** How often each kind occurs in the catalogue. */
const KINDS: [ItemKind, number][] = [
  ['community-work', 0.4],
  ['assisting-government', 0.25],
  ['certificate', 0.1],
  ['nameplate', 0.1],
  ['grid', 0.15],
];

/** Entries a list holds, by the level of its area: wide at the top, a few overrides further down. */
const ENTRIES: Record<AreaLevel, { community: [number, number]; grid: [number, number] }> = {
  city: { community: [300, 400], grid: [150, 200] },
  district: { community: [30, 50], grid: [15, 25] },
  township: { community: [10, 20], grid: [5, 10] },
  community: { community: [4, 10], grid: [3, 8] },
  grid: { community: [0, 0], grid: [1, 5] },
};

/** How many areas of each level a tree of `total` areas has: roughly Guangzhou's proportions below the city. */
export function levelCounts(total: number): Record<AreaLevel, number> {
  if (!Number.isInteger(total) || total < 5) throw new Error(`an admission world needs at least 5 areas (one of each level), not ${total}`);
  const districts = Math.max(1, Math.round(total / 300));
  const townships = Math.max(districts, Math.round(total / 37));
  const communities = Math.max(townships, Math.round(total / 6.25));
  const grids = total - 1 - districts - townships - communities;
  if (grids < communities) throw new Error(`${total} areas leave too few grids for ${communities} communities`);
  return { city: 1, district: districts, township: townships, community: communities, grid: grids };
}

const ring = ([w, s, e, n]: SeedArea['box']) => [
  [w, s],
  [e, s],
  [e, n],
  [w, n],
  [w, s],
];

/** The area tree: parents before children, children spread evenly over the parents of the level above, each a strip of its parent. */
export function areaTree(total: number, cityCode: string): SeedArea[] {
  const counts = levelCounts(total);
  const city: SeedArea = { code: cityCode, name: `Generated city ${cityCode}`, level: 'city', box: [113.0, 23.0, 113.6, 23.6] };
  const areas: SeedArea[] = [city];
  let parents = [city];
  const levels: [AreaLevel, number, string][] = [
    ['district', 2, 'district'],
    ['township', 3, 'street'],
    ['community', 3, 'community'],
    ['grid', 3, 'grid'],
  ];
  levels.forEach(([level, digits, noun], depth) => {
    const children: SeedArea[] = [];
    const count = counts[level];
    parents.forEach((parent, p) => {
      // Parent p gets the children p, p + P, p + 2P, …: an even spread.
      const fan = Math.floor(count / parents.length) + (p < count % parents.length ? 1 : 0);
      const [w, s, e, n] = parent.box;
      for (let i = 0; i < fan; i++) {
        const at = (a: number, b: number, k: number) => Math.round((a + ((b - a) * k) / fan) * 1e6) / 1e6;
        // Alternate east-west and north-south cuts, so strips stay near square.
        const box: SeedArea['box'] = depth % 2 === 0 ? [at(w, e, i), s, at(w, e, i + 1), n] : [w, at(s, n, i), e, at(s, n, i + 1)];
        const code = `${parent.code}${String(i + 1).padStart(digits, '0')}`;
        children.push({ code, name: `${noun} ${code}`, level, parentCode: parent.code, box });
      }
    });
    areas.push(...children);
    parents = children;
  });
  return areas;
}

export function featureCollection(areas: SeedArea[]) {
  return {
    type: 'FeatureCollection' as const,
    features: areas.map((area) => ({
      type: 'Feature',
      properties: {
        code: area.code,
        name: area.name,
        level: area.level,
        ...(area.parentCode ? { parentCode: area.parentCode } : {}),
        ...(area.level === 'grid' ? { population: 1000, households: 400 } : {}),
      },
      geometry: { type: 'Polygon', coordinates: [ring(area.box)] },
    })),
  };
}

function weighted<T>(rng: Rng, choices: [T, number][]): T {
  let r = rng();
  for (const [value, weight] of choices) if ((r -= weight) < 0) return value;
  return choices[choices.length - 1]![0];
}

/** The catalogue: `count` items over the departments and kinds, with the levels each may be carried out at. */
export function catalogue(count: number, seed: number): DefineItemRequest[] {
  const rng = rngFor(seed, 'admission-items');
  return Array.from({ length: count }, (_, i) => {
    const department = DEPARTMENTS[i % DEPARTMENTS.length]!;
    const kind = weighted(rng, KINDS);
    // Grid items are mostly carried out in grids; the rest mostly by communities.
    const levels: AdmissionLevel[] =
      kind === 'grid' ? (rng() < 0.7 ? ['grid'] : ['community', 'grid']) : rng() < 0.6 ? ['community'] : rng() < 0.75 ? ['community', 'grid'] : ['grid'];
    const n = String(i + 1).padStart(5, '0');
    return {
      code: `${department}.item-${n}`,
      name: `${department} item ${n} (${kind})`,
      department,
      legalBasis: `${department} regulations, art. ${randInt(rng, 1, 80)}`,
      kind,
      ...(kind === 'grid' ? { gridItemType: pick(rng, GRID_ITEM_TYPES) } : {}),
      levels,
      actor: ACTOR,
    };
  });
}

/** `n` different items of `pool`, drawn at random. */
const draw = <T>(rng: Rng, from: T[], n: number): T[] => shuffle(rng, [...from]).slice(0, Math.min(n, from.length));

/**
 * The lists of every area and their versions. Lists below the city mostly
 * add items, and exclude some the city admits; later versions put a few
 * more and remove a few.
 */
export function listPlan(areas: SeedArea[], items: DefineItemRequest[], seed: number): PlannedList[] {
  const rng = rngFor(seed, 'admission-lists');
  const atLevel = (level: AdmissionLevel) => items.filter((item) => item.levels.includes(level)).map((item) => item.code);
  const fitting = { community: atLevel('community'), grid: atLevel('grid') };
  // A tenth of the catalogue is never on an admitted list: the negative lists take theirs from it.
  const reserved = new Set(draw(rng, items.map((i) => i.code), Math.round(items.length / 10)));
  const admissible = { community: fitting.community.filter((c) => !reserved.has(c)), grid: fitting.grid.filter((c) => !reserved.has(c)) };
  const cityAdmits = new Map<AdmissionLevel, string[]>();
  const lists: PlannedList[] = [];

  const versionsOf = (first: ListEntryInput[], pool: string[], negative: boolean): PlannedList['versions'] => {
    const versions: PlannedList['versions'] = [{ put: first, remove: [], publishInDays: 0 }];
    let day = 0;
    let held = first.map((e) => e.itemCode);
    const later = rng() < 0.33 ? (rng() < 0.25 ? 2 : 1) : 0;
    for (let v = 0; v < later; v++) {
      day += randInt(rng, 1, 60);
      const remove = held.filter(() => rng() < 0.1).slice(0, 20);
      const put = draw(rng, pool.filter((c) => !held.includes(c)), randInt(rng, 1, 5)).map((itemCode) => (negative ? { itemCode } : { itemCode, admitted: true }));
      held = [...held.filter((c) => !remove.includes(c)), ...put.map((e) => e.itemCode)];
      versions.push({ put, remove, publishInDays: day });
    }
    // A few lists have an unpublished draft on top: the gate never reads it.
    if (rng() < 0.05) versions.push({ put: draw(rng, pool.filter((c) => !held.includes(c)), 2).map((itemCode) => (negative ? { itemCode } : { itemCode })), remove: [] });
    return versions;
  };

  for (const area of areas) {
    const levels: AdmissionLevel[] = area.level === 'grid' ? ['grid'] : ['community', 'grid'];
    for (const level of levels) {
      const [min, max] = ENTRIES[area.level][level];
      const size = randInt(rng, min, max);
      let put: ListEntryInput[];
      if (area.level === 'city') {
        const admits = draw(rng, admissible[level], size);
        cityAdmits.set(level, admits);
        put = admits.map((itemCode) => ({ itemCode, admitted: true }));
      } else {
        // Mostly items of their own; one entry in six excludes an item the city admits.
        const excluded = draw(rng, cityAdmits.get(level)!, Math.floor(size / 6));
        const own = draw(rng, admissible[level].filter((c) => !excluded.includes(c)), size - excluded.length);
        put = [...excluded.map((itemCode) => ({ itemCode, admitted: false })), ...own.map((itemCode) => ({ itemCode, admitted: true }))];
      }
      lists.push({ key: { areaCode: area.code, kind: 'admitted', level }, versions: versionsOf(put, admissible[level], false) });
    }
    // The city's negative list, and one for about half the districts.
    if (area.level === 'city' || (area.level === 'district' && rng() < 0.5)) {
      const negative = draw(rng, [...reserved], area.level === 'city' ? Math.max(1, Math.round(reserved.size / 8)) : randInt(rng, 3, 12)).map((itemCode) => ({ itemCode }));
      lists.push({ key: { areaCode: area.code, kind: 'negative' }, versions: versionsOf(negative, [...reserved], true) });
    }
  }
  return lists;
}

/** The whole world for `options`, before anything is sent. */
export function planAdmissionWorld(options: Pick<AdmissionWorldOptions, 'areas' | 'items' | 'seed' | 'cityCode'>): AdmissionWorld {
  const areas = areaTree(options.areas, options.cityCode);
  const items = catalogue(options.items, options.seed);
  const lists = listPlan(areas, items, options.seed);
  // One item in a hundred is withdrawn, from today or a day up to 90 days on.
  const rng = rngFor(options.seed, 'admission-withdrawals');
  const withdrawals = new Map(draw(rng, items, Math.max(1, Math.round(items.length / 100))).map((item) => [item.code, rng() < 0.3 ? 0 : randInt(rng, 1, 90)]));
  return { areas, items, lists, withdrawals };
}

/** A China-time day `days` after today. */
export function dayFromToday(days: number): string {
  const [y, m, d] = today().split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + days)).toISOString().slice(0, 10);
}

/** Fails with the first few failures of a pool, or returns. */
function assertNoneFailed(what: string, failed: { index: number; error: unknown }[]): void {
  if (failed.length === 0) return;
  const shown = failed.slice(0, 5).map(({ index, error }) => `#${index}: ${error instanceof Error ? error.message : String(error)}`);
  throw new Error(`${failed.length} ${what} failed: ${shown.join('; ')}`);
}

/** Imports the tree into the grid service, then waits until the admission service's gate knows every area (from grid's events). */
async function loadAreas(nc: NatsConnection, client: GridworkClient, world: AdmissionWorld, options: AdmissionWorldOptions): Promise<void> {
  const objectName = `admission-world-${options.seed}-${new Date().toISOString().replace(/[:.]/g, '-')}.geojson`;
  const bucket = await new Objm(nc).create(AREA_IMPORT_BUCKET, AREA_IMPORT_BUCKET_OPTIONS);
  await bucket.putBlob({ name: objectName, description: `generated admission world, seed ${options.seed}` }, new TextEncoder().encode(JSON.stringify(featureCollection(world.areas))));
  const reply = await client.request(subjects.grid.area.import, { objectName }, { timeoutMs: 600_000 });
  if (reply.rejectedCount > 0) throw new Error(`grid rejected ${reply.rejectedCount} areas: ${reply.rejected.slice(0, 5).map((r) => `${r.code}: ${r.reasons.join(', ')}`).join('; ')}`);
  options.log(`areas: grid imported ${Object.entries(reply.imported).map(([level, n]) => `${level} ${n}`).join(', ')}; waiting for admission to receive them`);
  const codes = world.areas.map((a) => a.code);
  await until(
    'the admission service to know every area',
    async () => {
      for (let start = 0; start < codes.length; start += MAX_GATE_BATCH) {
        const asks = codes.slice(start, start + MAX_GATE_BATCH).map((areaCode) => ({ itemCode: world.items[0]!.code, level: 'grid' as const, areaCode }));
        const { answers } = await client.request(subjects.admission.gate.checkBatch, { asks });
        if (answers.some((a) => a.reason === 'unknown-area')) return false;
      }
      return true;
    },
    600_000,
    500,
  );
}

/** Generates the world in running grid and admission services on `nc`, and says what it made. */
export async function generateAdmissionWorld(nc: NatsConnection, options: AdmissionWorldOptions): Promise<AdmissionWorldSummary> {
  const { log } = options;
  const client = new GridworkClient(nc, { timeoutMs: 60_000 });
  const started = performance.now();
  const seconds = (from: number) => Number(((performance.now() - from) / 1000).toFixed(1));
  const world = planAdmissionWorld(options);

  let t = performance.now();
  await loadAreas(nc, client, world, options);
  const areaSeconds = seconds(t);
  log(`areas: ${world.areas.length} in ${areaSeconds} s`);

  t = performance.now();
  const defined = await pool(world.items, options.concurrency, async (item) => {
    await client.request(subjects.admission.item.define, item);
  });
  assertNoneFailed('item definitions', defined.failed);
  const itemSeconds = seconds(t);
  log(`items: ${world.items.length} in ${itemSeconds} s`);

  t = performance.now();
  // Each list's versions in order; lists side by side.
  const made = await pool(world.lists, options.concurrency, async ({ key, versions }) => {
    for (const version of versions) {
      await client.request(subjects.admission.list.editDraft, { ...key, put: version.put, remove: version.remove, actor: ACTOR });
      if (version.publishInDays !== undefined) await client.request(subjects.admission.list.publish, { ...key, effectiveOn: dayFromToday(version.publishInDays), actor: ACTOR });
    }
  });
  assertNoneFailed('lists', made.failed);
  const withdrawn = await pool([...world.withdrawals], options.concurrency, async ([code, days]) => {
    await client.request(subjects.admission.item.withdraw, { code, on: dayFromToday(days), reason: 'generated withdrawal', actor: ACTOR });
  });
  assertNoneFailed('withdrawals', withdrawn.failed);
  const listSeconds = seconds(t);
  log(`lists: ${world.lists.length} in ${listSeconds} s`);

  return summarize(world, { areas: areaSeconds, items: itemSeconds, lists: listSeconds, total: seconds(started) });
}

/** What the plan makes: the figures the generator's test checks against the services' own answers. */
export function summarize(world: AdmissionWorld, timings: AdmissionWorldSummary['seconds']): AdmissionWorldSummary {
  const areas = { city: 0, district: 0, township: 0, community: 0, grid: 0 } as Record<AreaLevel, number>;
  for (const area of world.areas) areas[area.level]++;
  let published = 0;
  let inForceLater = 0;
  let drafts = 0;
  let entries = 0;
  for (const list of world.lists) {
    const held = new Set<string>();
    for (const version of list.versions) {
      for (const code of version.remove) held.delete(code);
      for (const entry of version.put) held.add(entry.itemCode);
      if (version.publishInDays === undefined) drafts++;
      else {
        published++;
        entries += held.size;
        if (version.publishInDays > 0) inForceLater++;
      }
    }
  }
  return {
    areas,
    items: world.items.length,
    withdrawn: world.withdrawals.size,
    lists: { admitted: world.lists.filter((l) => l.key.kind === 'admitted').length, negative: world.lists.filter((l) => l.key.kind === 'negative').length },
    versions: { published, inForceLater, drafts },
    entries,
    seconds: timings,
  };
}
