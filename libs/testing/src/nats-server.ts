import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { isListening, natsFromDocker } from './servers.js';

export interface NatsServerProcess {
  url: string;
  port: number;
  /** Stops the server (SIGTERM, or SIGKILL when `hard`); its JetStream store stays for `start()`. */
  stop(hard?: boolean): Promise<void>;
  /** Starts it again on the same port with the same store. */
  start(): Promise<void>;
  /** Stops it and deletes its store. */
  dispose(): Promise<void>;
}

export function natsServerBinary(): string | undefined {
  if (process.env.NATS_SERVER_BIN) return process.env.NATS_SERVER_BIN;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/bin'];
  return dirs.map((d) => join(d, 'nats-server')).find((p) => existsSync(p));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await isListening('127.0.0.1', port, 500))) {
    if (Date.now() > deadline) throw new Error(`nats-server did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Starts a private `nats-server -js` on a free port with its own store, for one test file. */
export async function startNatsServer(): Promise<NatsServerProcess> {
  const binary = natsServerBinary();
  if (!binary) throw new Error('nats-server is not installed: set NATS_SERVER_BIN or TEST_NATS_URL');
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'gridwork-nats-'));
  let child: ChildProcess | undefined;

  const start = async () => {
    child = spawn(binary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], { stdio: 'ignore' });
    await waitForPort(port, 10_000);
  };
  const stop = async (hard = false) => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((r) => running.once('exit', r));
    running.kill(hard ? 'SIGKILL' : 'SIGTERM');
    await exited;
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    stop,
    start,
    dispose: async () => {
      await stop(true);
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

/**
 * The NATS server for one test file: `TEST_NATS_URL` when set; else a private
 * `nats-server` so files running in parallel never share streams; else the
 * local server on 4222 or a Testcontainers one. A shared server means test
 * files must not run in parallel (they use the same service names).
 */
export async function testNats(): Promise<{ url: string; dispose(): Promise<void> }> {
  const shared = (url: string) => ({ url, dispose: async () => undefined });
  if (process.env.TEST_NATS_URL) return shared(process.env.TEST_NATS_URL);
  if (natsServerBinary()) return startNatsServer();
  if (await isListening('127.0.0.1', 4222)) return shared('nats://127.0.0.1:4222');
  return shared(await natsFromDocker());
}
