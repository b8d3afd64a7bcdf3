import { QueryFailedError } from 'typeorm';

/** The PostgreSQL error code (e.g. `23505`) and constraint of a failed query, when it is one. */
export function pgErrorOf(error: unknown): { code?: string; constraint?: string } {
  if (!(error instanceof QueryFailedError)) return {};
  return error.driverError as { code?: string; constraint?: string };
}
