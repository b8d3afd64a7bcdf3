import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

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
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = tcpConnect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
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
 * The NATS server for one test file: `TEST_NATS_URL` when set (then files
 * must use distinct service names), else a private server so files running
 * in parallel never share streams.
 */
export async function testNats(): Promise<{ url: string; dispose(): Promise<void> }> {
  if (process.env.TEST_NATS_URL) return { url: process.env.TEST_NATS_URL, dispose: async () => undefined };
  return startNatsServer();
}
