import { createReadStream, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { Objm } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/nats-core';
import { AREA_IMPORT_BUCKET, AREA_IMPORT_BUCKET_OPTIONS, ErrorCode, GridworkError, subjects, type ImportAreasReply } from '@gridwork/contracts';
import { GridworkClient } from '@gridwork/client';
import type { SeedWorker } from './workers.js';

/*
 * Loading a generated seed into a running grid service over NATS: the
 * FeatureCollection goes into the GRID_IMPORTS object store and
 * `grid.area.import` reads it from there; workers are registered and
 * assigned one request at a time, many in flight.
 */

export type Log = (line: string) => void;

const seconds = (from: number) => ((performance.now() - from) / 1000).toFixed(1);


export interface AreaLoad {
  skipped: boolean;
  objectName?: string;
  bytes?: number;
  uploadSeconds?: number;
  importSeconds?: number;
  reply?: ImportAreasReply;
}

/** Whether an area code is stored already. */
export async function areaExists(client: GridworkClient, code: string): Promise<boolean> {
  try {
    await client.request(subjects.grid.area.get, { code });
    return true;
  } catch (error) {
    if (error instanceof GridworkError && error.code === ErrorCode.NOT_FOUND) return false;
    throw error;
  }
}

/**
 * Uploads `path` to the object store and imports it. Skips when the city
 * (`cityCode`) is already stored, unless `force`.
 */
export async function loadAreas(
  nc: NatsConnection,
  path: string,
  options: { cityCode: string; force?: boolean; dryRun?: boolean; timeoutMs?: number; log: Log },
): Promise<AreaLoad> {
  const { log } = options;
  const client = new GridworkClient(nc, { timeoutMs: 30_000 });
  if (!options.force && (await areaExists(client, options.cityCode))) {
    log(`areas: ${options.cityCode} is already stored; not importing again`);
    return { skipped: true };
  }
  const bytes = statSync(path).size;
  const objectName = `${basename(path, '.geojson')}-${new Date().toISOString().replace(/[:.]/g, '-')}.geojson`;
  let t = performance.now();
  const bucket = await new Objm(nc).create(AREA_IMPORT_BUCKET, AREA_IMPORT_BUCKET_OPTIONS);
  await bucket.put({ name: objectName, description: `seed ${basename(path)}` }, Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>);
  const uploadSeconds = (performance.now() - t) / 1000;
  log(`areas: put ${(bytes / 1024 / 1024).toFixed(1)} MB as ${AREA_IMPORT_BUCKET}/${objectName} in ${uploadSeconds.toFixed(1)} s`);
  t = performance.now();
  log(`areas: ${subjects.grid.area.import.subject} ${options.dryRun ? '(dry run) ' : ''}…`);
  const reply = await client.request(subjects.grid.area.import, { objectName, ...(options.dryRun ? { dryRun: true } : {}) }, { timeoutMs: options.timeoutMs ?? 600_000 });
  const importSeconds = (performance.now() - t) / 1000;
  const levels = Object.entries(reply.imported)
    .map(([level, n]) => `${level} ${n}`)
    .join(', ');
  log(`areas: received ${reply.received}, imported ${levels}; rejected ${reply.rejected.length} in ${importSeconds.toFixed(1)} s`);
  for (const rejected of reply.rejected.slice(0, 20)) log(`  rejected #${rejected.index} ${rejected.code ?? ''}: ${rejected.reasons.join('; ')}`);
  if (reply.rejected.length > 20) log(`  … and ${reply.rejected.length - 20} more`);
  return { skipped: false, objectName, bytes, uploadSeconds, importSeconds, reply };
}

export function readWorkers(path: string): SeedWorker[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as SeedWorker);
}

/** Runs `task` over `items` with at most `concurrency` in flight; failures are collected, not thrown. */
export async function pool<T>(items: T[], concurrency: number, task: (item: T, index: number) => Promise<void>): Promise<{ failed: { index: number; error: unknown }[] }> {
  let next = 0;
  const failed: { index: number; error: unknown }[] = [];
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      try {
        await task(items[index]!, index);
      } catch (error) {
        failed.push({ index, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return { failed };
}

export interface WorkerLoad {
  skipped: boolean;
  registered: number;
  assigned: number;
  failedRegistrations: number;
  failedAssignments: number;
  registerSeconds: number;
  assignSeconds: number;
  /** Seed `ref` → the service's worker id. */
  ids: Record<string, string>;
}

/**
 * Registers every worker, then assigns each to its grids from the day it
 * was hired. Skips when the city already has workers, unless `force`.
 */
export async function loadWorkers(
  nc: NatsConnection,
  workers: SeedWorker[],
  options: { cityCode: string; concurrency: number; force?: boolean; log: Log },
): Promise<WorkerLoad> {
  const { log } = options;
  const client = new GridworkClient(nc, { timeoutMs: 60_000 });
  const empty: WorkerLoad = { skipped: true, registered: 0, assigned: 0, failedRegistrations: 0, failedAssignments: 0, registerSeconds: 0, assignSeconds: 0, ids: {} };
  if (!options.force) {
    const page = await client.request(subjects.grid.worker.list, { areaCode: options.cityCode, limit: 1 });
    if (page.items.length > 0) {
      log(`workers: ${options.cityCode} already has workers; not registering again`);
      return empty;
    }
  }
  const ids: Record<string, string> = {};
  const describe = (error: unknown) => (error instanceof GridworkError ? `${error.code}: ${error.message}` : String(error));
  const progress = (what: string, total: number) => {
    let done = 0;
    const started = performance.now();
    return () => {
      if (++done % 5_000 === 0 || done === total) log(`  ${what} ${done}/${total} (${Math.round(done / ((performance.now() - started) / 1000))}/s)`);
    };
  };

  let t = performance.now();
  const registered = progress('registered', workers.length);
  const registration = await pool(workers, options.concurrency, async (worker) => {
    const reply = await client.request(subjects.grid.worker.register, {
      name: worker.name,
      employment: worker.employment,
      phone: worker.phone,
      gender: worker.gender,
      birthDate: worker.birthDate,
      hiredOn: worker.hiredOn,
      communityCode: worker.communityCode,
    });
    ids[worker.ref] = reply.id;
    registered();
  });
  const registerSeconds = (performance.now() - t) / 1000;
  log(`workers: registered ${workers.length - registration.failed.length} of ${workers.length} in ${seconds(t)} s`);
  for (const { index, error } of registration.failed.slice(0, 10)) log(`  ${workers[index]!.ref}: ${describe(error)}`);

  const assignments = workers.flatMap((worker) =>
    ids[worker.ref] ? worker.assignments.map((a) => ({ workerId: ids[worker.ref]!, gridCode: a.gridCode, role: a.role, startedOn: worker.hiredOn })) : [],
  );
  t = performance.now();
  const assigned = progress('assigned', assignments.length);
  const assigning = await pool(assignments, options.concurrency, async (assignment) => {
    await client.request(subjects.grid.worker.assign, assignment);
    assigned();
  });
  const assignSeconds = (performance.now() - t) / 1000;
  log(`workers: ${assignments.length - assigning.failed.length} of ${assignments.length} assignments in ${seconds(t)} s`);
  for (const { index, error } of assigning.failed.slice(0, 10)) log(`  ${JSON.stringify(assignments[index])}: ${describe(error)}`);

  return {
    skipped: false,
    registered: workers.length - registration.failed.length,
    assigned: assignments.length - assigning.failed.length,
    failedRegistrations: registration.failed.length,
    failedAssignments: assigning.failed.length,
    registerSeconds,
    assignSeconds,
    ids,
  };
}
