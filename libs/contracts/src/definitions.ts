import type { ErrorCode } from './errors.js';
import type { MessageClass } from './validation.js';

/** A request/reply endpoint: `gov.<service>.<aggregate>.<action>`, served by the service's queue group. */
export interface EndpointDefinition<Request extends object, Reply> {
  readonly kind: 'endpoint';
  readonly service: string;
  readonly subject: string;
  /** Endpoint name shown in `$SRV.INFO`, e.g. `case-report`. */
  readonly name: string;
  readonly summary: string;
  readonly request: MessageClass<Request>;
  /** Class describing the reply's `data`; used for documentation only. */
  readonly reply: MessageClass<Reply & object>;
  /** Error codes this endpoint may answer with besides VALIDATION_FAILED and INTERNAL. */
  readonly errors: readonly ErrorCode[];
  /**
   * Open to department systems at `gov.ext.<dept>.<service>.<aggregate>.<action>`;
   * the handler learns the acting department from that subject, which the NATS
   * server lets each department publish under only its own code.
   */
  readonly departments: boolean;
}

/** A domain event: `gov.evt.<service>.<aggregate>.<event>`, stored in the service's stream. */
export interface EventDefinition<Payload extends object> {
  readonly kind: 'event';
  readonly service: string;
  readonly subject: string;
  /** `<service>.<aggregate>.<event>`, the `Gov-Schema` type. */
  readonly type: string;
  readonly version: number;
  readonly summary: string;
  readonly payload: MessageClass<Payload>;
  /**
   * Addressed to one department: `subject` is the pattern
   * `gov.evt.<service>.<aggregate>.*.<event>` and each event is published on
   * the subject with that token replaced by the department's code
   * (`addressedSubjectOf`), so the NATS server can let a department system
   * consume its own events and no one else's.
   */
  readonly addressed: boolean;
}

export type RequestOf<E> = E extends EndpointDefinition<infer R, unknown> ? R : never;
export type ReplyOf<E> = E extends EndpointDefinition<object, infer R> ? R : never;

const TOKEN = /^[a-z][a-z0-9-]*$/;

function checkTokens(what: string, tokens: string[]): void {
  for (const token of tokens) {
    if (!TOKEN.test(token)) throw new Error(`${what}: '${token}' is not a lower-case subject token`);
  }
}

export function defineEndpoint<Request extends object, Reply>(spec: {
  service: string;
  aggregate: string;
  action: string;
  summary: string;
  request: MessageClass<Request>;
  reply: MessageClass<Reply & object>;
  errors?: ErrorCode[];
  departments?: boolean;
}): EndpointDefinition<Request, Reply> {
  checkTokens('endpoint', [spec.service, spec.aggregate, spec.action]);
  return {
    kind: 'endpoint',
    service: spec.service,
    subject: `gov.${spec.service}.${spec.aggregate}.${spec.action}`,
    name: `${spec.aggregate}-${spec.action}`,
    summary: spec.summary,
    request: spec.request,
    reply: spec.reply,
    errors: spec.errors ?? [],
    departments: spec.departments ?? false,
  };
}

/** A department code is one lower-case subject token, e.g. `housing` or `city-management`. */
export const DEPARTMENT_CODE = /^[a-z][a-z0-9-]{1,39}$/;

/** The subject a department system publishes a request on. */
export const departmentSubjectOf = (endpoint: EndpointDefinition<object, unknown>, department: string): string =>
  `gov.ext.${department}.${endpoint.subject.slice('gov.'.length)}`;

/**
 * The inbox prefix a department system's connection uses (`inboxPrefix`): its
 * replies arrive on `_INBOX_<code>.…`, the only inbox it may subscribe to, and
 * the only reply subject the services answer a request of that department on.
 */
export const departmentInboxOf = (department: string): string => `_INBOX_${department}`;

/** The inbox prefix a service's connection uses: its user may subscribe to no other inbox (deploy/nats/service-permissions.mjs). */
export const serviceInboxOf = (service: string): string => `_INBOX_${service}`;

/**
 * Where a department system's account reaches its notice consumer's
 * JetStream API: the platform account exports `$JS.API.CONSUMER.INFO` and
 * `.MSG.NEXT` of `GOV_DISPATCH/<code>` to it, imported under this prefix
 * (nats-server answers `$JS.API.…` itself in an account without JetStream).
 * deploy/nats/issue-credentials.mjs uses the same.
 */
export const DEPARTMENT_JS_API_PREFIX = 'gridwork.API';

export function defineEvent<Payload extends object>(spec: {
  service: string;
  aggregate: string;
  event: string;
  version?: number;
  summary: string;
  payload: MessageClass<Payload>;
  /** Published per department on `gov.evt.<service>.<aggregate>.<department>.<event>` (see `EventDefinition.addressed`). */
  addressed?: boolean;
}): EventDefinition<Payload> {
  checkTokens('event', [spec.service, spec.aggregate, spec.event]);
  const version = spec.version ?? 1;
  // Version 1 keeps the plain subject; a later incompatible version lives beside it.
  const suffix = version === 1 ? '' : `.v${version}`;
  const addressed = spec.addressed ?? false;
  return {
    kind: 'event',
    service: spec.service,
    subject: `gov.evt.${spec.service}.${spec.aggregate}.${addressed ? '*.' : ''}${spec.event}${suffix}`,
    type: `${spec.service}.${spec.aggregate}.${spec.event}`,
    version,
    summary: spec.summary,
    payload: spec.payload,
    addressed,
  };
}

/** Where the department's code stands in an addressed event's subject: `gov.evt.<service>.<aggregate>.<department>.<event>`. */
const ADDRESS_TOKEN = 4;

/** Refuses a department code that is not one lower-case subject token. */
export function assertDepartment(department: string): void {
  if (!DEPARTMENT_CODE.test(department)) throw new Error(`department code '${department}' must be a lower-case subject token`);
}

/** The subject an addressed event is published on for one department: `gov.evt.dispatch.notice.housing.assigned`. */
export function addressedSubjectOf(event: EventDefinition<object>, department: string): string {
  if (!event.addressed) throw new Error(`${event.subject} is not addressed to a department`);
  assertDepartment(department);
  return withAddressToken(event, department);
}

/** An addressed event's subject with `token` where the department goes, unchecked: `{department}` in documents. */
export function withAddressToken(event: EventDefinition<object>, token: string): string {
  const tokens = event.subject.split('.');
  tokens[ADDRESS_TOKEN] = token;
  return tokens.join('.');
}

/**
 * The subject an event is published or consumed on: its own, or for an
 * addressed event the department's. An addressed event needs `department`;
 * any other refuses one.
 */
export function eventSubjectFor(event: EventDefinition<object>, department: string | undefined, use: 'publish' | 'consume'): string {
  if (event.addressed) {
    if (department === undefined) throw new Error(`${event.subject} is addressed to departments: ${use} it with { department }`);
    return addressedSubjectOf(event, department);
  }
  if (department !== undefined) throw new Error(`${event.subject} is not addressed to departments; ${use} it without { department }`);
  return event.subject;
}

/**
 * Every addressed event of the same service and aggregate as `event` for one
 * department: `gov.evt.dispatch.notice.housing.>`. The one filter a
 * department's durable consumer of its notices uses.
 */
export function addressedFilterOf(event: EventDefinition<object>, department: string): string {
  if (!event.addressed) throw new Error(`${event.subject} is not addressed to a department`);
  assertDepartment(department);
  return `${event.subject.split('.').slice(0, ADDRESS_TOKEN).join('.')}.${department}.>`;
}

export const schemaHeader = (event: EventDefinition<object>): string => `${event.type}/${event.version}`;

/** Stream names derive from the service: `GOV_DISPATCH`, `GOV_DISPATCH_DLQ`. */
export const streamNameOf = (service: string): string => `GOV_${service.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
export const deadLetterStreamOf = (service: string): string => `${streamNameOf(service)}_DLQ`;
export const eventSubjectsOf = (service: string): string => `gov.evt.${service}.>`;
export const deadLetterSubjectOf = (service: string, consumer: string): string => `gov.dlq.${service}.${consumer}`;
