import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const BENCH = resolve(import.meta.dirname, '../../dist/bench/gateway.js');

/**
 * The gateway benchmark, run small so it cannot rot: it starts dispatch and
 * the gateway as processes, signs in, reads and reports over both paths and
 * prints its tables. Its figures are not checked here (tests never assert on
 * times); that it measures both paths is.
 */
describe('bench:gateway', () => {
  it('measures reads and Open311 posts beside NATS, and prints them', () => {
    const run = spawnSync(process.execPath, [BENCH], {
      encoding: 'utf8',
      env: { ...process.env, BENCH_READS: '50', BENCH_ROUNDS: '1', BENCH_RATE: '20', BENCH_SECONDS: '1', BENCH_CLOSED: '40', BENCH_CONCURRENCY: '4' },
      timeout: 120_000,
    });
    expect(run.error).toBeUndefined();
    // 0, or 2 when the machine is too busy for the latency target; 1 is a failure.
    expect([0, 2], run.stderr.slice(-2000)).toContain(run.status);
    expect(run.stdout).toMatch(/case\.get over NATS \(baseline\)\s+[\d,]+\s+[\d.]+/);
    expect(run.stdout).toMatch(/GET \/dispatch\/cases\/\{id\} through the gateway\s+[\d,]+\s+[\d.]+/);
    expect(run.stdout).toMatch(/Open311 POST requests\.json\s+[\d,]+\s+[\d.]+/);
    expect(run.stdout).toMatch(/The gateway adds -?[\d.]+ ms at p50/);
  }, 150_000);
});
