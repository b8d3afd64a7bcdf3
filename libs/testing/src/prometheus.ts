import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { freePort } from './ports.js';

/** Where Debian's `prometheus` package puts its binaries (`/usr/bin`), or PATH. */
export function prometheusBinary(name: 'prometheus' | 'promtool' = 'prometheus'): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin'];
  return dirs.map((d) => join(d, name)).find((p) => existsSync(p));
}

/** One sample of an instant query. */
export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PrometheusAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing' | 'inactive';
}

export interface PrometheusProcess {
  url: string;
  /** An instant query's vector (a scalar or string result comes back as one sample without labels). */
  query(expr: string): Promise<PromSample[]>;
  /** The series matching a selector now (over the last five minutes). */
  series(selector: string): Promise<Record<string, string>[]>;
  /** Pending and firing alerts. */
  alerts(): Promise<PrometheusAlert[]>;
  /** `/api/v1/targets` as Prometheus answers it. */
  targets(): Promise<{ activeTargets: { labels: Record<string, string>; discoveredLabels: Record<string, string>; scrapeUrl: string; health: string }[]; droppedTargets: unknown[] }>;
  /** Rule evaluation state of every group (`/api/v1/rules`). */
  rules(): Promise<{ groups: { name: string; rules: { name: string; health: string; lastError?: string; type: string }[] }[] }>;
  dispose(): Promise<void>;
}


/**
 * Starts a private Prometheus (Debian's `prometheus` package) on a free
 * loopback port with `config` as its prometheus.yml and `files` (paths
 * relative to it, e.g. rule files) beside it, and a storage folder of its
 * own; both are deleted by `dispose`.
 */
export async function startPrometheus(config: string, files: Record<string, string> = {}): Promise<PrometheusProcess> {
  const binary = prometheusBinary();
  if (!binary) throw new Error('prometheus is not installed: apt-get install prometheus (Debian), or put it on PATH');
  const dir = mkdtempSync(join(tmpdir(), 'gridwork-prometheus-'));
  writeFileSync(join(dir, 'prometheus.yml'), config);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  let child: ChildProcess | undefined;
  let url = '';
  let output = '';
  // Another process may take the port between our probe and Prometheus's bind: try a few.
  for (let attempt = 0; attempt < 5 && !url; attempt++) {
    const port = await freePort();
    child = spawn(
      binary,
      [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000)));
    if (await ready(child, `http://127.0.0.1:${port}`)) url = `http://127.0.0.1:${port}`;
    else child.kill('SIGKILL');
  }
  if (!url || !child) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`prometheus did not start:\n${output}`);
  }
  const running = child;
  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`);
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`prometheus ${path}: ${body.error}`);
    return body.data;
  };
  return {
    url,
    async query(expr) {
      const data = await api<{ resultType: string; result: PromSample[] | [number, string] }>(`/api/v1/query?query=${encodeURIComponent(expr)}`);
      return data.resultType === 'vector' ? (data.result as PromSample[]) : [{ metric: {}, value: data.result as [number, string] }];
    },
    series: (selector) => api(`/api/v1/series?match[]=${encodeURIComponent(selector)}&start=${Date.now() / 1000 - 300}`),
    alerts: async () => (await api<{ alerts: PrometheusAlert[] }>('/api/v1/alerts')).alerts,
    targets: () => api('/api/v1/targets'),
    rules: () => api('/api/v1/rules'),
    async dispose() {
      if (running.exitCode === null) {
        const exited = new Promise((r) => running.once('exit', r));
        running.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits for `/-/ready`; false when the process exits first (its port was taken) or it takes over 20 s. */
async function ready(child: ChildProcess, url: string): Promise<boolean> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
