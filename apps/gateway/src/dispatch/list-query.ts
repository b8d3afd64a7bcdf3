import type { ListCasesRequest } from '@gridwork/contracts';

/**
 * A case list's query string as the dispatch service takes it: `states` is
 * comma-separated and `limit` a number. Everything else passes as text, and
 * the service names any wrong field.
 */
export function listQueryOf(query: Record<string, unknown>): ListCasesRequest {
  const request: Record<string, unknown> = { ...query };
  if (typeof query.states === 'string') request.states = query.states.split(',').filter(Boolean);
  if (typeof query.limit === 'string' && /^\d+$/.test(query.limit)) request.limit = Number(query.limit);
  return request as ListCasesRequest;
}
