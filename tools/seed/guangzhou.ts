import { mkdirSync, statSync, writeFileSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ensureDatabase } from '@gridwork/persistence';
import { cityOutline } from './city.js';
import { buildCells, samplePoints } from './cells.js';
import { assemble, verify, writeFeatureCollection } from './assemble.js';
import { buildTree, scaledCounts } from './tree.js';
import { rngFor } from './random.js';
import { generateWorkers } from './workers.js';

/*
 * Generates a Guangzhou-sized area tree and its grid workers:
 *   1 city, 11 districts, 176 townships, 2,759 communities, 19,500 grids
 *   (GeoJSON FeatureCollection, WGS-84) and 20,000 workers (JSON lines).
 * The work is done in a scratch PostGIS database; see tools/README.md.
 *
 * Usage: node tools/dist/seed/guangzhou.js [--out DIR] [--scale F] [--seed N]
 *          [--cells-per-grid N] [--database URL]
 */

const root = resolve(import.meta.dirname, '../../..');
const { values } = parseArgs({
  options: {
    out: { type: 'string', default: resolve(root, 'tools/seed/out') },
    scale: { type: 'string', default: '1' },
    seed: { type: 'string', default: '4401' },
    'cells-per-grid': { type: 'string', default: '6' },
    database: { type: 'string', default: process.env.SEED_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gridwork_seed' },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(`Usage: npm run seed:guangzhou -- [options]
  --out DIR            where to write guangzhou.geojson, workers.jsonl, summary.json (tools/seed/out)
  --scale F            fraction of Guangzhou's counts, e.g. 0.05 (1)
  --seed N             random seed; the same seed gives the same files (4401)
  --cells-per-grid N   fine Voronoi cells per grid: more is more detailed and slower (6)
  --database URL       scratch PostGIS database, created when missing (gridwork_seed; env SEED_DATABASE_URL)
  --keep               keep the scratch tables seed_cell and seed_area for inspection
`);
  process.exit(0);
}
const scale = Number(values.scale);
const seed = Number(values.seed);
const cellsPerGrid = Number(values['cells-per-grid']);
if (!(scale > 0 && scale <= 10)) throw new Error(`--scale must be in (0, 10], not ${values.scale}`);
if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be a non-negative integer, not ${values.seed}`);
if (!(Number.isInteger(cellsPerGrid) && cellsPerGrid >= 2 && cellsPerGrid <= 50)) throw new Error('--cells-per-grid must be an integer 2..50');

const log = (line: string) => process.stderr.write(`[seed] ${line}\n`);
const started = performance.now();
const seconds = (from: number) => (performance.now() - from) / 1000;
const timings: Record<string, number> = {};
const step = async <T>(name: string, work: () => Promise<T> | T): Promise<T> => {
  const t = performance.now();
  const result = await work();
  timings[name] = Number(seconds(t).toFixed(2));
  log(`${name}: ${timings[name]} s`);
  return result;
};

const counts = scaledCounts(scale);
const workerTotal = Math.max(1, Math.round(20_000 * scale));
log(`seed ${seed}, scale ${scale}: ${counts.districts} districts, ${counts.townships} townships, ${counts.communities} communities, ${counts.grids} grids, ${workerTotal} workers`);
mkdirSync(values.out, { recursive: true });

await ensureDatabase(values.database);
const db = new pg.Client({ connectionString: values.database });
await db.connect();
try {
  await db.query('CREATE EXTENSION IF NOT EXISTS postgis');
  const outline = cityOutline(rngFor(seed, 'outline'));
  const points = await step('sample points', () => samplePoints(seed, rngFor(seed, 'points'), outline, counts.grids * cellsPerGrid));
  const cells = await step('voronoi cells', () => buildCells(db, points.xs, points.ys, points.isInside));
  log(`  ${cells.stats.sampled} points, ${cells.stats.inside} inside, ${cells.stats.cells} cells kept, ${cells.stats.sharedEdges} shared edges`);
  const tree = await step('area tree', () => buildTree(cells.graph, seed, counts));
  log(`  district area / target: ${tree.districtAreaRatios.map((r) => r.toFixed(2)).join(' ')}`);
  await step('boundaries', () => assemble(db, cells, tree, log));
  const verification = await step('verify', () => verify(db));
  const geojsonPath = resolve(values.out, 'guangzhou.geojson');
  const features = await step('write geojson', () => writeFeatureCollection(db, geojsonPath));
  if (!values.keep) await db.query('DROP TABLE IF EXISTS seed_cell, seed_area');

  const { workers, stats: workerStats } = await step('workers', () => generateWorkers(tree, seed, workerTotal));
  const workersPath = resolve(values.out, 'workers.jsonl');
  const out = createWriteStream(workersPath);
  for (const worker of workers) if (!out.write(`${JSON.stringify(worker)}\n`)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');

  const population = tree.grids.reduce((sum, grid) => sum + (grid.population ?? 0), 0);
  const households = tree.grids.reduce((sum, grid) => sum + (grid.households ?? 0), 0);
  const summary = {
    seed,
    scale,
    cellsPerGrid,
    counts: {
      city: 1,
      districts: tree.districts.length,
      townships: tree.townships.length,
      communities: tree.communities.length,
      grids: tree.grids.length,
      features,
      workers: workers.length,
    },
    population,
    households,
    cells: cells.stats,
    districts: tree.districts.map((d) => ({
      code: d.code,
      name: d.name,
      areaKm2: Math.round(d.areaKm2),
      townships: tree.townships.filter((t) => t.parentCode === d.code).length,
      residentsShare: Number((d.cells / cells.graph.n).toFixed(3)),
    })),
    verification,
    workers: workerStats,
    files: {
      geojson: { path: geojsonPath, bytes: statSync(geojsonPath).size },
      workers: { path: workersPath, bytes: statSync(workersPath).size },
    },
    timings: { ...timings, total: Number(seconds(started).toFixed(2)) },
  };
  writeFileSync(resolve(values.out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);

  const v = verification;
  const problems =
    v.levels.reduce((sum, l) => sum + l.invalid + l.notPolygon, 0) + v.overlappingSiblings + v.outsideParent + v.missingGeometry + (v.worstCoverageGap > 1e-9 ? 1 : 0);
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  const lines = [
    '',
    `Guangzhou seed (seed ${seed}, scale ${scale}) in ${summary.timings.total} s`,
    ...v.levels.map(
      (l) =>
        `  ${l.level.padEnd(9)} ${String(l.count).padStart(6)}  invalid ${l.invalid}  multi ${l.notPolygon}  holes ${l.withHoles}  ` +
        `positions mean ${l.meanPositions.toFixed(0)} max ${l.maxPositions}  km² min ${l.minKm2.toFixed(3)} median ${l.medianKm2.toFixed(3)} max ${l.maxKm2.toFixed(1)}`,
    ),
    `  siblings overlapping ${v.overlappingSiblings}, children outside parent ${v.outsideParent}, worst coverage gap ${v.worstCoverageGap.toExponential(1)}`,
    `  extent ${v.extent.map((x) => x.toFixed(3)).join(', ')}; residents ${population.toLocaleString('en-US')}, households ${households.toLocaleString('en-US')}`,
    `  workers ${workerStats.workers} (${workerStats.heads} grid heads, ${workerStats.partTime} part-time, ${workerStats.coveringTwoGrids} covering two grids); ` +
      `grids with 0/1/2 workers ${workerStats.gridsWithNoWorker}/${workerStats.gridsWithOneWorker}/${workerStats.gridsWithTwoWorkers}, without head ${workerStats.gridsWithoutHead}`,
    `  ${geojsonPath} ${mb(summary.files.geojson.bytes)}, ${workersPath} ${mb(summary.files.workers.bytes)}`,
    problems === 0 ? '  checks passed' : `  CHECKS FAILED (${problems} problems; see summary.json)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  process.exitCode = problems === 0 ? 0 : 1;
} finally {
  await db.end();
}
