import type { EntityManager } from 'typeorm';
import type { EventDefinition, TraceContext } from '@gridwork/contracts';
import type { EventMeta } from '@gridwork/client';

export interface RequestContext {
  subject: string;
  trace: TraceContext;
  /** The acting department, read from the `gov.ext.<dept>.…` subject; absent for platform callers. */
  department?: string;
}

export interface EventContext {
  meta: EventMeta;
  trace: TraceContext;
  /** The transaction the effect must use; it also records the event in the inbox. */
  em: EntityManager;
  /** Writes a follow-up event in the same transaction (outbox); an addressed event needs `{ department }`. */
  publish<P extends object>(event: EventDefinition<P>, payload: P, options?: { department?: string }): Promise<string>;
  /**
   * One value shared by every handler run in this transaction (events are
   * applied in batches), made by `start` at first use under `key`; `finish`
   * writes it once, after the batch's last handler and before commit. For
   * effects many events add up to, such as counters: one statement a batch
   * instead of one an event.
   */
  batched<T>(key: object, start: () => T, finish: (value: T, em: EntityManager) => Promise<void>): T;
}
