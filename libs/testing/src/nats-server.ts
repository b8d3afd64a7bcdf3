import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { containersOnly, isListening, natsFromDocker } from './servers.js';

export interface NatsServerProcess {
  url: string;
  port: number;
  /** The server's process id while it runs (a benchmark measures its CPU). */
  readonly pid: number | undefined;
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

/**
 * Waits for the server `child` to report the port it listens on in its ports
 * file. Trusting only that file (never "something answers on the port") means
 * a test file can never end up on another file's server.
 */
export async function waitForPortsFile(child: ChildProcess, dir: string, timeoutMs = 10_000): Promise<number> {
  const file = join(dir, `nats-server_${child.pid}.ports`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`nats-server exited (${child.exitCode ?? child.signalCode}) before it listened`);
    if (existsSync(file)) {
      // The server creates the file before it writes it: an empty or partial one is read again.
      try {
        const { nats } = JSON.parse(readFileSync(file, 'utf8')) as { nats: string[] };
        return Number(new URL(nats[0]!).port);
      } catch {
        // not written yet
      }
    }
    if (Date.now() > deadline) throw new Error(`nats-server did not report its port within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Starts a private `nats-server -js` on a port it picks itself, with its own store, for one test file. */
export async function startNatsServer(): Promise<NatsServerProcess> {
  const binary = natsServerBinary();
  if (!binary) throw new Error('nats-server is not installed: set NATS_SERVER_BIN or TEST_NATS_URL');
  const storeDir = mkdtempSync(join(tmpdir(), 'gridwork-nats-'));
  // -1: the first start takes a random free port; restarts ask for the same one.
  let port = -1;
  let child: ChildProcess | undefined;

  const start = async () => {
    child = spawn(binary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir, '--ports_file_dir', storeDir], { stdio: 'ignore' });
    port = await waitForPortsFile(child, storeDir, 10_000);
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
    get pid() {
      return child?.pid;
    },
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
  if (containersOnly()) return shared(await natsFromDocker());
  if (natsServerBinary()) return startNatsServer();
  if (await isListening('127.0.0.1', 4222)) return shared('nats://127.0.0.1:4222');
  return shared(await natsFromDocker());
}
