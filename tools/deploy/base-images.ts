import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, docker, dockerClient, imageExists, sh } from './docker.js';

/*
 * The base images the deployment test builds, since no image registry is
 * reachable from these machines: a Debian bookworm made by debootstrap, and
 * on it Node.js 22 (Node's release binary from the npm registry), PostgreSQL
 * 15 with PostGIS and nats-server (Debian's packages). deploy/base holds
 * their Dockerfiles; deploy/Dockerfile takes the Node one as NODE_IMAGE.
 */
export const BASE = {
  debian: 'gridwork-local/debian:bookworm',
  node: 'gridwork-local/node:22',
  postgis: 'gridwork-local/postgis:15',
  nats: 'gridwork-local/nats:2.9',
} as const;

/** The Node release .ci/run also fetches; npm is the version this machine runs. */
const NODE_VERSION = '22.23.5';
const MIRROR = process.env.DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';

/**
 * The Debian base, imported once from a debootstrap minbase tree; later runs
 * keep the image (an import makes a new image id each time, which would
 * rebuild every layer above it).
 */
export function debianBase(): boolean {
  if (imageExists(BASE.debian)) return false;
  const root = mkdtempSync(join(tmpdir(), 'gridwork-debootstrap-'));
  try {
    sh('debootstrap', ['--variant=minbase', 'bookworm', root, MIRROR]);
    // Package downloads and lists are the build's, not the image's.
    sh('sh', ['-c', `rm -rf "${root}"/var/cache/apt/archives/*.deb "${root}"/var/lib/apt/lists/*`]);
    sh('sh', ['-c', `tar -C "${root}" -c . | "$DOCKER" import --change 'CMD ["/bin/bash"]' - ${BASE.debian}`], {
      env: { DOCKER: dockerClient() },
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return true;
}

/** Node's binary for this architecture from the npm registry, cached where .ci/run keeps it. */
function nodeBinary(): string {
  const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
  const dir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'gridwork', `node-v${NODE_VERSION}-linux-${arch}`);
  const binary = join(dir, 'bin', 'node');
  if (existsSync(binary)) return binary;
  const unpack = mkdtempSync(join(tmpdir(), 'gridwork-node-'));
  try {
    sh('npm', ['pack', '--silent', `node-linux-${arch}@${NODE_VERSION}`], { cwd: unpack });
    mkdirSync(join(dir, 'bin'), { recursive: true });
    sh('sh', ['-c', `tar -xzf node-linux-${arch}-*.tgz -C "${dir}" --strip-components=1 package/bin/node package/LICENSE`], { cwd: unpack });
  } finally {
    rmSync(unpack, { recursive: true, force: true });
  }
  return binary;
}

/** The Node image: the binary and npm's own package (which bundles its dependencies) in a build context. */
function nodeImage(root: string): void {
  const context = mkdtempSync(join(tmpdir(), 'gridwork-node-image-'));
  try {
    cpSync(nodeBinary(), join(context, 'node'));
    const npmVersion = sh('npm', ['--version']).stdout.trim();
    sh('npm', ['pack', '--silent', `npm@${npmVersion}`], { cwd: context });
    mkdirSync(join(context, 'npm'));
    sh('sh', ['-c', `tar -xzf npm-*.tgz -C npm --strip-components=1 && rm npm-*.tgz`], { cwd: context });
    cpSync(join(root, 'deploy/base/node/Dockerfile'), join(context, 'Dockerfile'));
    build(BASE.node, context, { DEBIAN_IMAGE: BASE.debian });
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

/** Every base image; builds after the first come from the layer cache. */
export function baseImages(root: string): void {
  debianBase();
  nodeImage(root);
  build(BASE.postgis, join(root, 'deploy/base/postgis'), { DEBIAN_IMAGE: BASE.debian });
  build(BASE.nats, join(root, 'deploy/base/nats'), { DEBIAN_IMAGE: BASE.debian });
  docker(['image', 'prune', '-f']);
}
