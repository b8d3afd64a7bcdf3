import { QueryFailedError } from 'typeorm';

/** The PostgreSQL error code (e.g. `23505`) and constraint of a failed query, when it is one. */
export function pgErrorOf(error: unknown): { code?: string; constraint?: string } {
  if (!(error instanceof QueryFailedError)) return {};
  return error.driverError as { code?: string; constraint?: string };
}

/**
 * SQLSTATE classes and codes that say the server cannot serve now, not that
 * the statement is wrong: connection exceptions (08), shutdown and start-up
 * (57P01–57P03), out of connections or resources (53300, 53400), a read-only
 * standby after a failover (25006).
 */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[1-3]|53[0-9]00|25006)$/;
/** Socket errors of a database that cannot be reached. */
const UNREACHABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);
/** What node-postgres and its pool say, without a code, when the connection is gone or cannot be had. */
const UNAVAILABLE_MESSAGE = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is not established|the database system is (starting up|shutting down|not yet accepting connections|in recovery mode)/i;

/**
 * Whether an error says the database is away (down, restarting, failing over
 * or unreachable) rather than that the work was wrong: such work is to be
 * tried again once it is back, and a request is answered UNAVAILABLE.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  const e = error as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && (UNAVAILABLE_SQLSTATE.test(e.code) || UNREACHABLE_ERRNO.has(e.code))) return true;
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message)) return true;
  const inner = [e.driverError, e.cause, ...(Array.isArray(e.errors) ? e.errors : [])];
  return inner.some((i) => i !== error && isDatabaseUnavailable(i, depth + 1));
}
