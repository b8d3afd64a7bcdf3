import { DEFAULT_RETRY, type RetryPolicy } from '@gridwork/client';

/**
 * What a process of a service does: `requests` serves its endpoints;
 * `events` consumes events, relays the outbox and runs background work
 * (timers). One process does both by default; a busy deployment runs them
 * apart, so that request latency is not shared with event work.
 */
export type ServiceRole = 'requests' | 'events';
export const SERVICE_ROLES: readonly ServiceRole[] = ['requests', 'events'];

export interface MessagingOptions {
  /** The service name: queue group, stream `GOV_<SERVICE>`, consumer name. */
  service: string;
  version: string;
  /** NATS server URLs, comma-separated. */
  natsUrl: string;
  /** A NATS credentials file (JWT + nkey), when the server requires one. */
  natsCredsFile?: string;
  /** JetStream replicas for this service's streams: 1 on one server, 3 in a cluster. */
  streamReplicas: number;
  /** Largest request or event body accepted, in bytes. */
  maxBodyBytes: number;
  retry: RetryPolicy;
  /**
   * Under a steady flow, outbox relay passes and consumer batches start at
   * least this long apart, so that each carries more events: fewer
   * transactions, commits and round trips for the same events. No event
   * waits longer than that, and one after a quiet spell goes at once. 0
   * turns it off.
   */
  eventLingerMs: number;
  roles: readonly ServiceRole[];
  /**
   * Department codes whose durable consumer on this service's addressed
   * events (dispatch's notices) the service creates at start; see
   * `ensureDepartmentConsumers`.
   */
  departments: readonly string[];
  outbox: {
    /** Most rows published per relay transaction. */
    batchSize: number;
    /** Fallback poll when no NOTIFY arrives (another replica's write is announced by NOTIFY too). */
    pollIntervalMs: number;
    /** Sent rows are kept this long for audit, then deleted. */
    retentionHours: number;
  };
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');

export const defaultMessagingOptions = (service: string): MessagingOptions => ({
  service,
  version: '0.1.0',
  natsUrl: 'nats://127.0.0.1:4222',
  streamReplicas: 1,
  maxBodyBytes: 256 * 1024,
  retry: { ...DEFAULT_RETRY },
  eventLingerMs: 20,
  roles: SERVICE_ROLES,
  departments: [],
  outbox: { batchSize: 500, pollIntervalMs: 1_000, retentionHours: 72 },
});

/** Whether this process runs event work: consumers, the outbox relay and background timers. */
export const runsEvents = (options: Pick<MessagingOptions, 'roles'>): boolean => options.roles.includes('events');
