import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { connect } from '@nats-io/transport-node';
import { CITY } from './city.js';
import { loadAreas, loadWorkers, readWorkers } from './loader.js';

/*
 * Loads a generated seed into a running grid service: the area tree through
 * the GRID_IMPORTS object store and `grid.area.import`, then the workers and
 * their assignments through `grid.worker.register` / `grid.worker.assign`.
 * Running it again skips what is already there.
 *
 * Usage: node tools/dist/seed/load.js [--dir DIR] [--nats URL] [--concurrency N]
 *          [--skip-areas] [--skip-workers] [--dry-run]
 */

const root = resolve(import.meta.dirname, '../../..');
const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: resolve(root, 'tools/seed/out') },
    nats: { type: 'string', default: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' },
    concurrency: { type: 'string', default: '32' },
    'timeout-minutes': { type: 'string', default: '10' },
    'skip-areas': { type: 'boolean', default: false },
    'skip-workers': { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(`Usage: npm run seed:load -- [options]
  --dir DIR            where guangzhou.geojson and workers.jsonl are (tools/seed/out)
  --nats URL           NATS of the running grid service (env NATS_URL, nats://127.0.0.1:4222)
  --concurrency N      worker requests in flight (32)
  --timeout-minutes N  how long to wait for the import reply (10)
  --skip-areas, --skip-workers
  --dry-run            import with dryRun: check everything, store nothing (and skip workers)
  --force              import / register even when the city or its workers are already stored
`);
  process.exit(0);
}

const log = (line: string) => process.stderr.write(`[load] ${line}\n`);
const geojson = resolve(values.dir, 'guangzhou.geojson');
const workersFile = resolve(values.dir, 'workers.jsonl');
for (const file of [values['skip-areas'] ? undefined : geojson, values['skip-workers'] ? undefined : workersFile]) {
  if (file && !existsSync(file)) {
    log(`${file} is missing: run npm run seed:guangzhou first`);
    process.exit(1);
  }
}

const started = performance.now();
const nc = await connect({ servers: values.nats, name: 'gridwork-seed-load' });
let exitCode = 0;
try {
  const lines: string[] = [''];
  if (!values['skip-areas']) {
    const areas = await loadAreas(nc, geojson, {
      cityCode: CITY.code,
      force: values.force,
      dryRun: values['dry-run'],
      timeoutMs: Number(values['timeout-minutes']) * 60_000,
      log,
    });
    if (areas.reply) {
      const imported = Object.values(areas.reply.imported).reduce((a, b) => a + b, 0);
      lines.push(
        `areas: ${areas.reply.received} features, ${imported} imported, ${areas.reply.rejected.length} rejected; ` +
          `upload ${areas.uploadSeconds!.toFixed(1)} s, import ${areas.importSeconds!.toFixed(1)} s`,
      );
      if (areas.reply.rejected.length > 0) exitCode = 1;
    }
  }
  if (!values['skip-workers'] && !values['dry-run']) {
    const workers = readWorkers(workersFile);
    const result = await loadWorkers(nc, workers, { cityCode: CITY.code, concurrency: Number(values.concurrency), force: values.force, log });
    if (!result.skipped) {
      writeFileSync(resolve(values.dir, 'worker-ids.json'), `${JSON.stringify(result.ids)}\n`);
      lines.push(
        `workers: ${result.registered} registered in ${result.registerSeconds.toFixed(1)} s (${Math.round(result.registered / result.registerSeconds)}/s), ` +
          `${result.assigned} assignments in ${result.assignSeconds.toFixed(1)} s (${Math.round(result.assigned / result.assignSeconds)}/s); ` +
          `failed ${result.failedRegistrations} + ${result.failedAssignments}`,
      );
      if (result.failedRegistrations + result.failedAssignments > 0) exitCode = 1;
    }
  }
  lines.push(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
  process.stdout.write(`${lines.join('\n')}\n`);
} catch (error) {
  log(`failed: ${(error as Error).stack ?? String(error)}`);
  exitCode = 1;
} finally {
  await nc.close();
}
process.exit(exitCode);
