import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { credsAuthenticator, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { natsServerBinary, waitForPortsFile } from '@gridwork/testing';

/** The repository's deploy/nats, found from here whether this runs from source (tests) or from tools/dist (benchmarks). */
function natsDir(): string {
  for (let dir = import.meta.dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'deploy/nats/nats-server.conf'))) return join(dir, 'deploy/nats');
  }
  throw new Error(`deploy/nats not found above ${import.meta.dirname}`);
}
export const NATS_DIR = natsDir();

export interface ShippedNats {
  url: string;
  /** The credentials folder issue-credentials.mjs keeps (its state). */
  creds: string;
  /** Runs issue-credentials.mjs as an admin would; `push` sends the changed accounts to this running server. */
  issue(args: string[], options?: { push?: boolean }): string;
  /** Connects as one issued user (<name>.creds) with its own inbox prefix (_INBOX_<name>), as a department system and a service do; `inbox: false` without. */
  connectAs(name: string, options?: { inbox?: boolean }): Promise<NatsConnection>;
  /** The server's process id (a benchmark measures its CPU). */
  pid: number | undefined;
  dispose(): Promise<void>;
}

/**
 * nats-server running deploy/nats/nats-server.conf as shipped, with the
 * resolver.conf issue-credentials.mjs wrote, on a spare loopback port and a
 * scratch store: only the listen address, monitoring and /data are changed.
 */
export async function startShippedNats(setup: { services: string[]; departments: string[] }): Promise<ShippedNats> {
  const binary = natsServerBinary();
  if (!binary) throw new Error('nats-server is not installed: set NATS_SERVER_BIN');
  const dir = mkdtempSync(join(tmpdir(), 'gridwork-nats-auth-'));
  const creds = join(dir, 'creds');
  const connections: NatsConnection[] = [];
  let url = '';
  const issue = (args: string[], options: { push?: boolean } = {}) =>
    execFileSync(process.execPath, [join(NATS_DIR, 'issue-credentials.mjs'), ...args, '--out', creds, ...(options.push ? ['--push', url] : [])], { encoding: 'utf8' });
  for (const service of setup.services) issue(['service', service]);
  for (const department of setup.departments) issue(['department', department]);

  const conf = readFileSync(join(NATS_DIR, 'nats-server.conf'), 'utf8');
  const local = conf
    .replace(/^listen: .*$/m, 'listen: 127.0.0.1:-1')
    .replace(/^http: .*$/m, '')
    .replace(/store_dir: .*$/m, `store_dir: "${join(dir, 'store')}"`);
  if (/4222|8222|\/data/.test(local)) throw new Error('the local copy of nats-server.conf still names a production port or /data');
  writeFileSync(join(dir, 'nats-server.conf'), local);
  // resolver.conf as issued, with its JWT folder in the scratch store.
  copyFileSync(join(creds, 'resolver.conf'), join(dir, 'resolver.conf'));
  writeFileSync(join(dir, 'resolver.conf'), readFileSync(join(dir, 'resolver.conf'), 'utf8').replace('"/data/jwt"', `"${join(dir, 'store', 'jwt')}"`));

  const server: ChildProcess = spawn(binary, ['-c', join(dir, 'nats-server.conf'), '--ports_file_dir', dir], { stdio: 'ignore' });
  url = `nats://127.0.0.1:${await waitForPortsFile(server, dir)}`;
  return {
    url,
    creds,
    pid: server.pid,
    issue,
    async connectAs(name, options = {}) {
      const nc = await connect({
        servers: url,
        authenticator: credsAuthenticator(readFileSync(join(creds, `${name}.creds`))),
        ...(options.inbox === false ? {} : { inboxPrefix: `_INBOX_${name}` }),
        reconnect: false,
        // No stack captured per request, as the services and the benchmarks' load generators do.
        noAsyncTraces: true,
      });
      connections.push(nc);
      return nc;
    },
    async dispose() {
      for (const nc of connections) await nc.close().catch(() => undefined);
      server.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
