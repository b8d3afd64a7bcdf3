import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './ports.js';

const run = promisify(execFile);

export interface PostgresCluster {
  /** The server's URL (database `postgres`, user `postgres`, trust). */
  url: string;
  port: number;
  /** A URL for database `name` on this server, created when missing. */
  database(name: string): Promise<string>;
  /** Stops the server; `immediate` is a crash as far as clients can tell (no goodbye, recovery at the next start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  /** Stops it and deletes its data. */
  dispose(): Promise<void>;
}

/** `initdb` and `pg_ctl`: on PATH, or Debian's newest /usr/lib/postgresql/<major>/bin. */
export function postgresBinary(name: 'initdb' | 'pg_ctl'): string | undefined {
  const debian = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .sort((a, b) => Number(b) - Number(a))
        .map((major) => `/usr/lib/postgresql/${major}/bin`)
    : [];
  return [...(process.env.PATH ?? '').split(delimiter), ...debian].map((d) => join(d, name)).find((p) => existsSync(p));
}


/**
 * A private PostgreSQL server in a temporary folder, for a test that must
 * stop and start its database (the machine's server is never touched). The
 * server refuses to run as root, so as root it runs as user `postgres`.
 */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const initdb = postgresBinary('initdb');
  const pgCtl = postgresBinary('pg_ctl');
  if (!initdb || !pgCtl) throw new Error('initdb and pg_ctl are not installed (Debian: apt-get install postgresql)');
  const asRoot = process.getuid?.() === 0;
  const as = async (binary: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', binary, ...args]) : run(binary, args));
  const folder = mkdtempSync(join(tmpdir(), 'gridwork-pg-'));
  if (asRoot) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    chownSync(folder, uid, gid);
  }
  const data = join(folder, 'data');
  await as(initdb, ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  // fsync off: an immediate stop is the server's crash, not the machine's, and
  // loses nothing the operating system has been handed. (synchronous_commit
  // stays on: off, an immediate stop loses the last commits.)
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${folder} -c fsync=off`;
  const start = async () => {
    await as(pgCtl, ['-D', data, '-l', join(folder, 'log'), '-w', '-t', '30', '-o', options, 'start']);
  };
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    await as(pgCtl, ['-D', data, '-w', '-m', mode, 'stop']).catch((err: unknown) => {
      // Already stopped is fine.
      if (!/not running|no server running|PID file .* does not exist/i.test(String((err as { stderr?: string }).stderr ?? err))) throw err;
    });
  };
  await start();
  return {
    url,
    port,
    async database(name: string) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (!rowCount) await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    stop,
    start,
    async dispose() {
      await stop('immediate');
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
