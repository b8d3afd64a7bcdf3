import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { ErrorCode, GridworkError, MAX_WITHIN_AREAS, subjects } from '@gridwork/contracts';
import { GridworkClient } from '@gridwork/client';
import { NATS_CONNECTION } from '@gridwork/messaging';
import type { Grant, Principal } from '../auth/grants.js';
import { AREA_ROLES } from '../auth/grants.js';
import { forbidden } from '../http/errors.js';
import { coerceQuery } from './coerce.js';
import { SIGNED_IN_FIELDS, type ForwardedRoute } from './forwarded-route.js';

export interface Incoming {
  principal: Principal;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
}

/** Forwards a declared route: checks who may, builds the request, asks the service. */
@Injectable()
export class Forwarder {
  private readonly platform: GridworkClient;
  private readonly departments = new Map<string, GridworkClient>();

  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {
    this.platform = new GridworkClient(nc, { timeoutMs: 10_000 });
  }

  async forward(route: ForwardedRoute, incoming: Incoming): Promise<unknown> {
    const { principal } = incoming;
    const request = this.requestOf(route, incoming);
    const department = route.asDepartment ? principal.grants.find((grant) => grant.role === 'department-staff') : undefined;
    const others = principal.grants.filter((grant) => grant !== department && (grant.role === 'platform-admin' || route.roles.includes(grant.role)));
    if (department && (others.length === 0 || !route.roles.some((role) => role !== 'department-staff'))) {
      return this.departmentClient(department.department!).request(route.endpoint, { ...request, ...this.signedInFields(route, principal, []) } as never);
    }
    if (others.length === 0) throw forbidden(`${principal.username} may not ${route.endpoint.summary.replace(/\.$/, '').toLowerCase()}: ${needs(route)}`);
    if (route.ownWorker) checkOwnWorker(route.ownWorker, principal, others, request);
    if (!('reply' in (route.scope ?? {}))) await this.checkScope(route, principal, others, request);
    const reply = await this.platform.request(route.endpoint, { ...request, ...this.signedInFields(route, principal, others) } as never);
    if (route.scope && 'reply' in route.scope) await this.checkPlace(principal, others, (reply as Record<string, unknown>)[route.scope.reply], route);
    return reply;
  }

  /** Path parameters (as the request class types them), then the query (GET) or the body; what the sign-in gives may not be sent. */
  private requestOf(route: ForwardedRoute, { params, query, body }: Incoming): Record<string, unknown> {
    let fields: Record<string, unknown>;
    if (route.method === 'GET') fields = coerceQuery(route.endpoint.request, query);
    else if (body === undefined || body === null) fields = {};
    else if (typeof body !== 'object' || Array.isArray(body)) throw GridworkError.validation([{ field: '$', messages: ['body must be a JSON object'] }]);
    else fields = { ...(body as Record<string, unknown>) };
    const given = SIGNED_IN_FIELDS.filter((field) => field in fields);
    if (given.length > 0) {
      throw GridworkError.validation(given.map((field) => ({ field, messages: [`${field} is set by the gateway from your sign-in: leave it out`] })));
    }
    return { ...fields, ...coerceQuery(route.endpoint.request, params) };
  }

  /**
   * The actor, viewer and reviewer a request names are the signed-in person,
   * and the areas it acts within are those of the grants it acts by (so the
   * service keeps the person's scope too: `withinAreas`, or the actor's or
   * viewer's `areas`), when its class has such fields.
   */
  private signedInFields(route: ForwardedRoute, principal: Principal, grants: Grant[]): Record<string, unknown> {
    const request = route.endpoint.request;
    const person = (field: string) => {
      const type = fieldType(request, field);
      return {
        id: principal.accountId,
        ...(fieldType(type, 'name') ? { name: principal.displayName } : {}),
        ...(fieldType(type, 'areas') ? renamed(withinAreasOf(principal, grants)) : {}),
        // ID numbers and phones in full: only for a platform admin; everyone else reads them masked.
        ...(fieldType(type, 'personalData') && grants.some((grant) => grant.role === 'platform-admin') ? { personalData: true } : {}),
      };
    };
    return {
      ...(fieldType(request, 'actor') ? { actor: person('actor') } : {}),
      ...(fieldType(request, 'viewer') ? { viewer: person('viewer') } : {}),
      ...(fieldType(request, 'reviewerId') ? { reviewerId: principal.accountId } : {}),
      ...(fieldType(request, 'withinAreas') ? withinAreasOf(principal, grants) : {}),
    };
  }

  private async checkScope(route: ForwardedRoute, principal: Principal, grants: Grant[], request: Record<string, unknown>): Promise<void> {
    if (!route.scope || grants.some(unscoped)) return;
    let code: unknown;
    if ('field' in route.scope) code = request[route.scope.field];
    else if ('via' in route.scope) {
      const key = request[route.scope.key];
      if (typeof key !== 'string') return; // the service names the missing or wrong field
      code = ((await this.platform.request(route.scope.via, { [route.scope.as]: key } as never)) as Record<string, unknown>)[route.scope.place];
    }
    await this.checkPlace(principal, grants, code, route);
  }

  /** Whether one of the grants holds at the area (or grid) `code`, by its path in the grid service; or inside an area path as it is. */
  private async checkPlace(principal: Principal, grants: Grant[], code: unknown, route: ForwardedRoute): Promise<void> {
    if (grants.some(unscoped)) return;
    if (Array.isArray(code)) {
      if (grants.some((grant) => grant.areaCode !== undefined && code.includes(grant.areaCode))) return;
      throw forbidden(`it is outside ${principal.username}'s area${grants.length > 1 ? 's' : ''} (${grants.map((grant) => grant.areaCode ?? 'none').join(', ')})`);
    }
    if (typeof code !== 'string') {
      throw forbidden(`${principal.username} holds its grants inside an area, and this request names none: ${needs(route)}`);
    }
    const area = await this.platform.request(subjects.grid.area.get, { code }).catch((error: unknown) => {
      if (error instanceof GridworkError && error.code === ErrorCode.NOT_FOUND) throw forbidden(`area ${code} is not known to the grid service, so it is in no one's area`);
      throw error;
    });
    if (!grants.some((grant) => grant.areaCode !== undefined && area.path.includes(grant.areaCode))) {
      throw forbidden(`${code} is outside ${principal.username}'s area${grants.length > 1 ? 's' : ''} (${grants.map((grant) => grant.areaCode ?? 'none').join(', ')})`);
    }
  }

  private departmentClient(code: string): GridworkClient {
    let client = this.departments.get(code);
    if (!client) this.departments.set(code, (client = new GridworkClient(this.nc, { department: code, timeoutMs: 10_000 })));
    return client;
  }
}

/** The declared type of a request class's field (a nested class for an object field), or undefined when it has no such field. */
const fieldType = (type: unknown, field: string): unknown =>
  typeof type === 'function' ? Reflect.getMetadata('design:type', (type as { prototype: object }).prototype, field) : undefined;

const renamed = ({ withinAreas }: { withinAreas?: string[] }): { areas?: string[] } => (withinAreas ? { areas: withinAreas } : {});

/** `withinAreas` for grants held inside areas; nothing when one of them holds everywhere. */
function withinAreasOf(principal: Principal, grants: Grant[]): { withinAreas?: string[] } {
  if (grants.length === 0 || grants.some(unscoped)) return {};
  const areas = [...new Set(grants.flatMap((grant) => (grant.areaCode === undefined ? [] : [grant.areaCode])))];
  if (areas.length === 0) throw forbidden(`${principal.username} holds these grants inside no area, so nowhere`);
  return { withinAreas: areas.slice(0, MAX_WITHIN_AREAS) };
}

/** A grant that holds everywhere: a platform admin's, or one of a role that is not held inside an area and names none. */
const unscoped = (grant: Grant): boolean => grant.role === 'platform-admin' || (!AREA_ROLES.includes(grant.role) && grant.areaCode === undefined && grant.role !== 'grid-worker');

const needs = (route: ForwardedRoute): string => `it needs ${['platform-admin', ...route.roles].join(' or ')}${route.scope ? ' (inside the area it is about)' : ''}`;

/** Acting only as a grid worker, a request may name no other worker than the one signed in. */
function checkOwnWorker(field: string, principal: Principal, grants: Grant[], request: Record<string, unknown>): void {
  const workers = grants.filter((grant) => grant.role === 'grid-worker');
  if (workers.length === 0 || workers.length < grants.length) return;
  if (!workers.some((grant) => grant.workerId === request[field])) {
    throw forbidden(`${principal.username} is a grid worker and may give only their own worker id (${workers.map((grant) => grant.workerId).join(', ')}) as ${field}`);
  }
}
