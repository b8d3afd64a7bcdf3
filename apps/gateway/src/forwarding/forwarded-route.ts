import type { EndpointDefinition } from '@gridwork/contracts';
import type { Role } from '../auth/grants.js';

/**
 * A route that forwards to one NATS endpoint as it is: the path's
 * parameters, the query string (GET) or the JSON body (the rest) become the
 * endpoint's request, and its reply is the answer. Who may call it is
 * declared here, beside the route, and checked before it is forwarded.
 */
export interface ForwardedRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Under the controller's prefix; `:name` parameters are request fields of the same name. */
  path: string;
  endpoint: EndpointDefinition<object, unknown>;
  /** Roles that may call it. A platform admin always may. */
  roles: readonly Role[];
  /**
   * Where the request's place is, for grants held inside an area (area admins,
   * dispatchers, reviewers, organizers, grid workers): the request field that
   * holds an area or grid code; or what it acts on, read first (`via`: ask
   * `endpoint` with `{ [as]: request[key] }` and take the reply's `place`,
   * an area code or an area path such as a case's);
   * or, for a read, the reply's field. Without it, any grant of the roles may
   * call it.
   */
  scope?: { field: string } | { via: EndpointDefinition<object, unknown>; key: string; as: string; place: string } | { reply: string };
  /** A grid worker may name only themselves in this field (their own patrols, say). */
  ownWorker?: string;
  /** Department staff call it through their department's own subjects (the endpoint is open to departments). */
  asDepartment?: boolean;
  /** The status of a success, when not 201 for POST and 200 otherwise. */
  status?: number;
}

/** Request fields the gateway fills in from the sign-in; a caller who sends them is refused. */
export const SIGNED_IN_FIELDS = ['actor', 'viewer', 'reviewerId', 'withinAreas'] as const;
