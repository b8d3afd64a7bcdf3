import { performance } from 'node:perf_hooks';

export interface Summary {
  count: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of ascending-sorted values. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1]!;
}

export function summarize(latencies: ArrayLike<number>, count: number, seconds: number): Summary {
  const sorted = Float64Array.from(latencies).sort();
  return {
    count,
    seconds,
    perSecond: count / seconds,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
  };
}

/** The p95 of each second of an open-loop run (latencies in send order at `rate` a second): where a tail comes from. */
export function p95PerSecond(latencies: ArrayLike<number>, rate: number): number[] {
  const out: number[] = [];
  for (let start = 0; start < latencies.length; start += rate) {
    out.push(percentile(Float64Array.from(Array.prototype.slice.call(latencies, start, start + rate) as number[]).sort(), 0.95));
  }
  return out;
}

/**
 * Calls `call(i)` for i in [0, count) with `concurrency` calls in flight;
 * writes each call's latency (ms) into `latencies` at `offset + i` and
 * returns the wall time in seconds. The first failure aborts the run.
 */
export async function closedLoop(
  count: number,
  concurrency: number,
  call: (i: number) => Promise<unknown>,
  latencies?: Float64Array,
  offset = 0,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const t0 = performance.now();
      await call(i);
      if (latencies) latencies[offset + i] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return (performance.now() - started) / 1000;
}

/** Polls `check` every `everyMs` until it is true; throws after `timeoutMs`. Returns ms waited. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs: number, everyMs = 20): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const fmt = (n: number, digits = 2): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
export const fmtInt = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');

/** A plain-text table: the first row is the header; headers and numeric-looking cells are right-aligned after the first column. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const numeric = /^[-+]?[\d,.]+( ?[x%])?$|^n\/a$/;
  const line = (r: string[], header = false) =>
    r
      .map((cell, c) => (c > 0 && (header || numeric.test(cell)) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(rows[0]!, true), rule, ...rows.slice(1).map((r) => line(r))].join('\n');
}

/** A positive integer setting from the environment (`BENCH_…`), or `fallback` when unset. */
export function int(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, not '${value}'`);
  return n;
}

/**
 * Calls `call(i)` for i in [0, count) at `rate` a second, each when it is due
 * whatever is still in flight (an open loop); writes each call's latency (ms)
 * into `latencies` when given; returns the wall time in seconds.
 */
export async function paced(count: number, rate: number, call: (i: number) => Promise<unknown>, latencies?: Float64Array): Promise<number> {
  const interval = 1000 / rate;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const wait = started + i * interval - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const t = performance.now();
    inFlight.push(
      call(i).then(() => {
        if (latencies) latencies[i] = performance.now() - t;
      }),
    );
  }
  await Promise.all(inFlight);
  return (performance.now() - started) / 1000;
}
