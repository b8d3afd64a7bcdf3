import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import pg from 'pg';
import { connect } from '@nats-io/transport-node';
import { natsAuthenticator } from '@gridwork/messaging';
import { ConfigError, loadConfig } from '@gridwork/observability';
import { defaultDatabaseUrl } from '@gridwork/persistence';
import { ServiceConfig } from './service.config.js';
import { ServiceModule, type ServiceDefinition } from './service.module.js';

/** Reads the service's configuration: its defaults, overridden by the environment. */
export function serviceConfig(definition: ServiceDefinition, env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  return loadConfig(ServiceConfig, {
    DATABASE_URL: defaultDatabaseUrl(definition.service),
    HTTP_PORT: String(definition.defaultHttpPort),
    ...env,
  });
}

/** Fails with what to start or set when PostgreSQL or NATS cannot be reached, before Nest starts. */
export async function checkDependencies(config: ServiceConfig): Promise<void> {
  const problems: string[] = [];
  const server = new URL(config.DATABASE_URL);
  server.pathname = '/postgres';
  const client = new pg.Client({ connectionString: server.toString(), connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
  } catch (err) {
    problems.push(
      `PostgreSQL is not reachable at ${server.host} (${(err as Error).message}). ` +
        `Start it (Debian: pg_ctlcluster 15 main start) or set DATABASE_URL.`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  try {
    const nc = await connect({
      servers: config.NATS_URL.split(','),
      timeout: 3_000,
      maxReconnectAttempts: 0,
      authenticator: natsAuthenticator(config.NATS_CREDS_FILE),
    });
    await nc.close();
  } catch (err) {
    problems.push(
      `NATS is not reachable at ${config.NATS_URL} (${(err as Error).message}). ` +
        `Start it with JetStream (nats-server -js -sd <dir>) or set NATS_URL.`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

/** Builds and starts a service: HTTP for health and metrics, NATS for everything else. */
export async function startService(definition: ServiceDefinition, config: ServiceConfig): Promise<INestApplication> {
  const app = await NestFactory.create(ServiceModule.forRoot(definition, config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.listen(config.HTTP_PORT, config.HTTP_HOST);
  return app;
}

/** The `main` of a service app: configuration and dependency errors end the process with their message. */
export async function runService(definition: ServiceDefinition): Promise<void> {
  try {
    const config = serviceConfig(definition);
    await checkDependencies(config);
    const app = await startService(definition, config);
    const url = await app.getUrl();
    app.get(Logger).log(`${definition.service} ready: HTTP ${url} (health /health/ready, metrics /metrics), NATS ${config.NATS_URL}`);
  } catch (err) {
    const message = err instanceof ConfigError ? err.message : (err as Error).stack ?? String(err);
    process.stderr.write(`${definition.service}: cannot start: ${message}\n`);
    process.exit(1);
  }
}
