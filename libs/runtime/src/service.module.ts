import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { MessagingModule, type MessagingOptions, type ServiceRole } from '@gridwork/messaging';
import { PINO_LOGGER, ServiceMetrics, createLogger } from '@gridwork/observability';
import { MESSAGING_ENTITIES, MESSAGING_MIGRATIONS, ensureDatabase, runMigrationsExclusively } from '@gridwork/persistence';
import { HealthController, HealthService } from './health.js';
import type { ServiceConfig } from './service.config.js';

/**
 * One feature of a service (an aggregate, a read model): its Nest module and
 * the migrations that make and change its tables. A feature brings its own
 * migrations, so a service lists each feature once and cannot forget one.
 */
export interface Feature {
  module: Type<unknown>;
  migrations?: Function[];
}

/** What a service app declares about itself. */
export interface ServiceDefinition {
  service: string;
  version?: string;
  defaultHttpPort: number;
  /** PostgreSQL extensions its migrations create (e.g. `postgis`); checked at start so a missing one is named. */
  extensions?: string[];
  /** The service's features, each with its migrations; TypeORM runs all of them in timestamp order. */
  features: Feature[];
}

/** Every migration of a service's features. */
const migrationsOf = (definition: ServiceDefinition): Function[] => definition.features.flatMap((feature) => feature.migrations ?? []);

export function messagingOptionsFrom(definition: ServiceDefinition, config: ServiceConfig): MessagingOptions {
  return {
    service: definition.service,
    version: definition.version ?? '0.1.0',
    natsUrl: config.NATS_URL,
    natsCredsFile: config.NATS_CREDS_FILE,
    streamReplicas: config.STREAM_REPLICAS,
    maxBodyBytes: config.MAX_BODY_BYTES,
    retry: {
      maxDeliver: config.EVENT_MAX_DELIVER,
      backoffMs: config.EVENT_BACKOFF_MS,
      maxBackoffMs: config.EVENT_MAX_BACKOFF_MS,
      ackWaitMs: config.EVENT_ACK_WAIT_MS,
    },
    eventLingerMs: config.EVENT_LINGER_MS,
    roles: config.SERVICE_ROLES.split(',') as ServiceRole[],
    departments: config.DEPARTMENTS ? config.DEPARTMENTS.split(',') : [],
    outbox: { batchSize: config.OUTBOX_BATCH_SIZE, pollIntervalMs: config.OUTBOX_POLL_MS, retentionHours: 72 },
  };
}

/**
 * The shell every Gridwork service runs in: its own database (migrations at
 * start), NATS messaging, JSON logs, Prometheus metrics and health.
 */
@Module({})
export class ServiceModule {
  static forRoot(definition: ServiceDefinition, config: ServiceConfig): DynamicModule {
    const logger = createLogger(definition.service, config.LOG_LEVEL as 'info');
    return {
      module: ServiceModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: { logger, autoLogging: { ignore: (req) => Boolean(req.url?.startsWith('/health')) } },
        }),
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            type: 'postgres' as const,
            url: config.DATABASE_URL,
            entities: MESSAGING_ENTITIES,
            migrations: [...MESSAGING_MIGRATIONS, ...migrationsOf(definition)],
            // Run below, under a lock, so replicas starting together do not race.
            migrationsRun: false,
            migrationsTransactionMode: 'each' as const,
            synchronize: false,
            extra: { max: config.DB_POOL_SIZE },
          }),
          dataSourceFactory: async (options) => {
            await ensureDatabase(config.DATABASE_URL);
            const dataSource = await new DataSource(options!).initialize();
            if (config.MIGRATIONS_RUN) await runMigrationsExclusively(dataSource);
            return dataSource;
          },
        }),
        MessagingModule.forRoot(messagingOptionsFrom(definition, config)),
        ...definition.features.map((feature) => feature.module),
      ],
      providers: [{ provide: PINO_LOGGER, useValue: logger }, { provide: ServiceMetrics, useValue: new ServiceMetrics(definition.service) }, HealthService],
      controllers: [HealthController],
      exports: [PINO_LOGGER, ServiceMetrics, HealthService],
    };
  }
}
