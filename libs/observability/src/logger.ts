import { hostname } from 'node:os';
import pino, { type DestinationStream, type Logger, type LevelWithSilent, type LoggerOptions } from 'pino';
import { currentTrace } from './trace-context.js';

export const INSTANCE_ID = `${hostname()}-${process.pid}`;

/** Structured JSON logs on stdout; every line inside a handler carries its trace and correlation ids. */
export function createLogger(service: string, level: LevelWithSilent = 'info', destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service, instance: INSTANCE_ID },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const trace = currentTrace();
      return trace ? { traceId: trace.traceId, spanId: trace.spanId, correlationId: trace.correlationId } : {};
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Injection token of the service's pino logger. */
export const PINO_LOGGER = Symbol('PINO_LOGGER');
