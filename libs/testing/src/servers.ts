import { connect as tcpConnect } from 'node:net';

/*
 * Where tests find their servers, in order (architecture.md, Testing):
 * TEST_DATABASE_URL / TEST_NATS_URL; else the local servers (PostgreSQL on
 * 127.0.0.1:5432; NATS as a private `nats-server` per test file, or the one on
 * 127.0.0.1:4222 when no binary is installed); else, where Docker runs,
 * containers started by Testcontainers for this test process.
 * TEST_SERVERS=containers skips the local servers, so the containers are
 * used even where local ones run (`npm run test:deploy` runs a test file so);
 * TEST_POSTGRES_IMAGE and TEST_NATS_IMAGE name other images than the
 * official ones (where no registry is reachable, the locally built
 * gridwork-local/postgis:15 and gridwork-local/nats:2.9 from deploy/base).
 */

/** Whether tests must take their servers from Docker rather than the local ones. */
export const containersOnly = () => process.env.TEST_SERVERS === 'containers';

export async function isListening(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, host);
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

let postgresContainer: Promise<string> | undefined;
let natsContainer: Promise<string> | undefined;

const noServer = (what: string, variable: string) =>
  new Error(`no ${what} for tests: set ${variable}, run one locally on its default port, or make Docker available for Testcontainers`);

/** A PostgreSQL 15 container for this test process (Ryuk removes it when the process ends). */
export function postgresFromDocker(): Promise<string> {
  postgresContainer ??= (async () => {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    try {
      const container = await new PostgreSqlContainer(process.env.TEST_POSTGRES_IMAGE || 'postgis/postgis:15-3.4').start();
      return container.getConnectionUri();
    } catch (err) {
      throw Object.assign(noServer('PostgreSQL', 'TEST_DATABASE_URL'), { cause: err });
    }
  })();
  return postgresContainer;
}

/** A NATS container with JetStream for this test process. */
export function natsFromDocker(): Promise<string> {
  natsContainer ??= (async () => {
    const { GenericContainer, Wait } = await import('testcontainers');
    try {
      const container = await new GenericContainer(process.env.TEST_NATS_IMAGE || 'nats:2.10')
        .withCommand(['-js'])
        .withExposedPorts(4222)
        .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
        .start();
      return `nats://${container.getHost()}:${container.getMappedPort(4222)}`;
    } catch (err) {
      throw Object.assign(noServer('NATS server', 'TEST_NATS_URL'), { cause: err });
    }
  })();
  return natsContainer;
}
