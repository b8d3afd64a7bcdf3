import { spawn, spawnSync } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';

/*
 * The Docker engine the deployment test uses, and the commands it runs.
 * The client is the engine's own where Debian's docker.io is installed
 * (/usr/bin/docker): a newer client elsewhere on PATH may need the buildx
 * plugin for BuildKit builds, which Debian's engine does not bring. Looked
 * up at each call: the engine may be installed by this run.
 */
export const dockerClient = () => process.env.DOCKER ?? (existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker');
export const COMPOSE = process.env.DOCKER_COMPOSE ?? 'docker-compose';

const DOCKERD_PIDFILE = '/var/run/gridwork-dockerd.pid';
const DOCKERD_LOG = '/var/log/gridwork-dockerd.log';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end and returns what it printed; throws when it fails unless `allowFailure`. */
export function sh(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; allowFailure?: boolean; input?: string } = {}): Run {
  const result = spawnSync(command, args, {
    env: { ...process.env, ...options.env },
    cwd: options.cwd,
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const run = { code: result.status ?? 1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
  if (run.code !== 0 && !options.allowFailure) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal}):\n${run.stderr || run.stdout}`);
  }
  return run;
}

/** Runs a command with its output shown as it goes (long builds), throwing when it fails. */
export function shown(command: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  const result = spawnSync(command, args, { env: { ...process.env, ...env }, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
}

export const docker = (args: string[], options: Parameters<typeof sh>[2] = {}) => sh(dockerClient(), args, options);

const engineAnswers = () => sh(dockerClient(), ['info', '--format', '{{.ServerVersion}}'], { allowFailure: true }).code === 0;
const hasCommand = (name: string) => sh('sh', ['-c', `command -v ${name}`], { allowFailure: true }).code === 0;

/** Installs the Debian packages among `packages` whose command is missing (idempotent). */
export function installMissing(packages: Record<string, string>): string[] {
  const missing = Object.entries(packages)
    .filter(([command]) => !hasCommand(command))
    .map(([, pkg]) => pkg);
  if (missing.length === 0) return [];
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  const install = ['install', '-y', '-qq', '--no-install-recommends', ...missing];
  if (sh('apt-get', install, { env, allowFailure: true }).code !== 0) {
    sh('apt-get', ['update', '-qq'], { env });
    sh('apt-get', install, { env });
  }
  return missing;
}

/**
 * Makes sure an engine answers: the one running, else dockerd from Debian's
 * docker.io started here. Returns a function that stops the engine again
 * when this run started it (its images stay: the layer cache).
 */
export async function ensureEngine(): Promise<{ started: boolean; stop: () => Promise<void> }> {
  installMissing({ dockerd: 'docker.io', debootstrap: 'debootstrap', [COMPOSE]: 'docker-compose' });
  if (engineAnswers()) return { started: false, stop: async () => undefined };

  const log = openSync(DOCKERD_LOG, 'a');
  const dockerd = spawn('dockerd', ['--pidfile', DOCKERD_PIDFILE], { detached: true, stdio: ['ignore', log, log] });
  dockerd.unref();
  for (let i = 0; i < 150 && !engineAnswers(); i++) await sleep(200);
  if (!engineAnswers()) throw new Error(`dockerd did not answer within 30 s: see ${DOCKERD_LOG}`);
  return {
    started: true,
    stop: async () => {
      if (dockerd.exitCode !== null) return;
      const exited = new Promise((resolve) => dockerd.once('exit', resolve));
      dockerd.kill('SIGTERM');
      await Promise.race([exited, sleep(30_000)]);
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const imageExists = (image: string) => docker(['image', 'inspect', image], { allowFailure: true }).code === 0;

/** The image's size in MB, as `docker images` counts it (all its layers). */
export const imageSizeMb = (image: string) => Number(docker(['image', 'inspect', '--format', '{{.Size}}', image]).stdout.trim()) / 1e6;

/** A BuildKit build; the npm registry's CA goes in as the optional secret npm-ca where this machine has one. */
export function build(tag: string, context: string, args: Record<string, string>, dockerfile?: string): void {
  const ca = process.env.NODE_EXTRA_CA_CERTS;
  shown(
    dockerClient(),
    [
      'build',
      '--progress=plain',
      '--network',
      'host',
      ...(dockerfile ? ['-f', dockerfile] : []),
      ...(ca && existsSync(ca) ? ['--secret', `id=npm-ca,src=${ca}`] : []),
      ...Object.entries(args).flatMap(([name, value]) => ['--build-arg', `${name}=${value}`]),
      '-t',
      tag,
      context,
    ],
    { DOCKER_BUILDKIT: '1' },
  );
}
