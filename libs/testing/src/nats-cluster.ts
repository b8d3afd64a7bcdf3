import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { natsServerBinary, waitForPortsFile } from './nats-server.js';
import { freePort } from './ports.js';

export interface NatsClusterNode {
  /** The node's `server_name` (what JetStream reports as a stream's leader or replica). */
  name: string;
  url: string;
  readonly pid: number | undefined;
  /** Stops the node (SIGTERM, or SIGKILL when `hard`); its store stays for `start()`. */
  stop(hard?: boolean): Promise<void>;
  start(): Promise<void>;
}

export interface NatsCluster {
  nodes: NatsClusterNode[];
  /** Every node's URL, comma-separated, as services take them (NATS_URL). */
  url: string;
  servers: string[];
  dispose(): Promise<void>;
}


/**
 * A private NATS cluster of `size` nodes on loopback, with JetStream and
 * routes between every node, each with its own store, for a drill that
 * kills nodes (a follower, a stream's leader) and brings them back. Streams
 * created on it may have up to `size` replicas.
 */
export async function startNatsCluster(size = 3): Promise<NatsCluster> {
  const binary = natsServerBinary();
  if (!binary) throw new Error('nats-server is not installed: set NATS_SERVER_BIN');
  const dir = mkdtempSync(join(tmpdir(), 'gridwork-nats-cluster-'));
  const clientPorts = await Promise.all(Array.from({ length: size }, freePort));
  const routePorts = await Promise.all(Array.from({ length: size }, freePort));
  const nodes: NatsClusterNode[] = clientPorts.map((port, i) => {
    const name = `n${i + 1}`;
    const home = join(dir, name);
    mkdirSync(join(home, 'store'), { recursive: true });
    const routes = routePorts.filter((_, j) => j !== i).map((p) => `nats-route://127.0.0.1:${p}`);
    const config = join(home, 'nats-server.conf');
    writeFileSync(
      config,
      [
        `server_name: ${name}`,
        `listen: 127.0.0.1:${port}`,
        `jetstream { store_dir: "${join(home, 'store')}" }`,
        `cluster { name: gridwork, listen: 127.0.0.1:${routePorts[i]}, routes: [${routes.join(', ')}] }`,
      ].join('\n'),
    );
    let child: ChildProcess | undefined;
    return {
      name,
      url: `nats://127.0.0.1:${port}`,
      get pid() {
        return child?.pid;
      },
      async start() {
        child = spawn(binary, ['-c', config, '--ports_file_dir', home], { stdio: 'ignore' });
        await waitForPortsFile(child, home, 10_000);
      },
      async stop(hard = false) {
        const running = child;
        child = undefined;
        if (!running || running.exitCode !== null || running.signalCode !== null) return;
        const exited = new Promise((r) => running.once('exit', r));
        running.kill(hard ? 'SIGKILL' : 'SIGTERM');
        await exited;
      },
    };
  });
  await Promise.all(nodes.map((n) => n.start()));
  const servers = nodes.map((n) => n.url);
  return {
    nodes,
    servers,
    url: servers.join(','),
    async dispose() {
      await Promise.all(nodes.map((n) => n.stop(true)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
