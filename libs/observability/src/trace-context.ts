import { AsyncLocalStorage } from 'node:async_hooks';
import type { TraceContext } from '@gridwork/contracts';

/**
 * The trace of the message being handled, kept for the handler's whole async
 * call tree so logs and outgoing messages carry it without passing it around.
 */
const storage = new AsyncLocalStorage<TraceContext>();

export const runWithTrace = <T>(trace: TraceContext, fn: () => T): T => storage.run(trace, fn);
export const currentTrace = (): TraceContext | undefined => storage.getStore();
