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

/** Where each PostgreSQL extension a service may need comes from on Debian (the server's major version in place of NN). */
const EXTENSION_PACKAGES: Record<string, string> = { postgis: 'postgresql-NN-postgis-3', btree_gist: 'postgresql-contrib (part of postgresql-NN)' };

/** Fails with what to start, set or install when PostgreSQL (or an extension the service needs) or NATS cannot be reached, before Nest starts. */
export async function checkDependencies(config: ServiceConfig, extensions: string[] = []): Promise<void> {
  const problems: string[] = [];
  const server = new URL(config.DATABASE_URL);
  server.pathname = '/postgres';
  const client = new pg.Client({ connectionString: server.toString(), connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    if (extensions.length > 0) {
      const { rows } = await client.query<{ name: string }>(`SELECT name FROM pg_available_extensions WHERE name = ANY ($1)`, [extensions]);
      const { rows: [{ major }] } = await client.query<{ major: string }>(`SELECT current_setting('server_version_num')::int / 10000 AS major`);
      for (const missing of extensions.filter((name) => !rows.some((row) => row.name === name))) {
        const where = (EXTENSION_PACKAGES[missing] ?? `the package that provides ${missing}`).replaceAll('NN', String(major));
        problems.push(`PostgreSQL at ${server.host} lacks the ${missing} extension this service needs: install ${where} on the database server.`);
      }
    }
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
  // abortOnError false: a failing start throws to the caller (runService prints it; a test sees it) instead of ending the process.
  const app = await NestFactory.create(ServiceModule.forRoot(definition, config), { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.listen(config.HTTP_PORT, config.HTTP_HOST);
  return app;
}

/** The `main` of a service app: configuration and dependency errors end the process with their message. */
export async function runService(definition: ServiceDefinition): Promise<void> {
  try {
    const config = serviceConfig(definition);
    await checkDependencies(config, definition.extensions);
    const app = await startService(definition, config);
    const url = await app.getUrl();
    app.get(Logger).log(`${definition.service} ready: HTTP ${url} (health /health/ready, metrics /metrics), NATS ${config.NATS_URL}`);
  } catch (err) {
    const message = err instanceof ConfigError ? err.message : (err as Error).stack ?? String(err);
    process.stderr.write(`${definition.service}: cannot start: ${message}\n`);
    process.exit(1);
  }
}
