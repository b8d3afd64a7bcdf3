import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/**
 * Every setting a service reads from its environment, with its default.
 * `loadConfig` refuses to start on a missing or wrong one and names it.
 */
export class ServiceConfig {
  @Matches(/^postgres(ql)?:\/\/.+\/[A-Za-z0-9_]+$/, { message: 'must be postgres://user@host:port/database' })
  DATABASE_URL = '';

  @Matches(/^(nats|tls):\/\/[^,\s]+(,\s*(nats|tls):\/\/[^,\s]+)*$/, { message: 'must be nats://host:port[,nats://host:port...]' })
  NATS_URL = 'nats://127.0.0.1:4222';

  @IsOptional() @IsString()
  NATS_CREDS_FILE?: string = undefined;

  @IsString()
  HTTP_HOST = '0.0.0.0';

  @IsInt() @Min(0) @Max(65535)
  HTTP_PORT = 0;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Run pending migrations at start; turn off when a deploy job runs them. */
  @IsBoolean()
  MIGRATIONS_RUN = true;

  @IsInt() @Min(1) @Max(100)
  DB_POOL_SIZE = 10;

  @IsInt() @Min(1) @Max(5)
  STREAM_REPLICAS = 1;

  @IsInt() @Min(1024) @Max(8 * 1024 * 1024)
  MAX_BODY_BYTES = 256 * 1024;

  @IsInt() @Min(1) @Max(100)
  EVENT_MAX_DELIVER = 5;

  @IsInt() @Min(1)
  EVENT_BACKOFF_MS = 1_000;

  @IsInt() @Min(1)
  EVENT_MAX_BACKOFF_MS = 60_000;

  /** How long a handler may take before the event is delivered again. */
  @IsInt() @Min(1_000) @Max(3_600_000)
  EVENT_ACK_WAIT_MS = 30_000;

  /**
   * Under a steady flow, outbox relay passes and event batches start at
   * least this long apart, so each carries more events (fewer transactions
   * and commits); no event waits longer than that. 0 turns it off.
   */
  @IsInt() @Min(0) @Max(1_000)
  EVENT_LINGER_MS = 20;

  /**
   * What this process does: `requests` (serve endpoints), `events` (consume
   * events, relay the outbox, run timers), or both. Run as separate
   * deployments, request latency is not shared with event work.
   */
  @Matches(/^(requests|events)(,(requests|events))?$/, { message: 'must be requests, events, or requests,events' })
  SERVICE_ROLES = 'requests,events';

  /**
   * Department systems, by code, comma-separated (housing,water): the
   * service that addresses events to departments (dispatch, its notices)
   * creates each one's durable pull consumer at start. A department cannot
   * create or change it itself (deploy/nats); add its code here when it is
   * issued its credentials.
   */
  @Matches(/^([a-z][a-z0-9-]{1,39}(,[a-z][a-z0-9-]{1,39})*)?$/, { message: 'must be department codes separated by commas (housing,water), or empty' })
  DEPARTMENTS = '';

  @IsInt() @Min(1) @Max(10_000)
  OUTBOX_BATCH_SIZE = 500;

  @IsInt() @Min(10)
  OUTBOX_POLL_MS = 1_000;
}
