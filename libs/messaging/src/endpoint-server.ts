import { Svcm, type Service, type ServiceMsg } from '@nats-io/services';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import { isDatabaseUnavailable, pgErrorOf } from '@gridwork/persistence';
import { isNatsUnavailable } from '@gridwork/client';
import {
  ErrorCode,
  GridworkError,
  Headers,
  continueTrace,
  errorReply,
  okReply,
  parseMessage,
  departmentInboxOf,
  departmentSubjectOf,
  type EndpointDefinition,
  type ErrorBody,
} from '@gridwork/contracts';
import { INSTANCE_ID, runWithTrace, type ServiceMetrics } from '@gridwork/observability';
import type { RequestContext } from './contexts.js';

export type EndpointHandler = (request: object, context: RequestContext) => Promise<unknown>;

/** `$SRV` error codes follow HTTP's, so generic NATS tools show something familiar. */
const SERVICE_ERROR_CODES: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  NOT_ADMITTED: 422,
  INTERNAL: 500,
  UNAVAILABLE: 503,
};

/** Reply subjects nats-server makes for a request that crossed a service import (account to account). */
const SERVICE_IMPORT_REPLY = '_R_.';

/** The metric label of a refused request from the platform's own callers (a reserved code, never a department's). */
const PLATFORM_CALLER = 'platform';

/** The NATS server lets a department publish only under gov.ext.<its code>, so the subject names the acting department. */
const departmentOf = (subject: string): string | undefined => (subject.startsWith('gov.ext.') ? subject.split('.')[2] : undefined);

/** The endpoint statistics object `@nats-io/services` keeps per endpoint (not in its public types). */
interface EndpointStats {
  processing_time: number;
  num_requests: number;
  average_processing_time: number;
  countError(err: Error): void;
}

/** Maps anything a handler throws to the reply's error body; unknown errors are logged, not leaked. */
export function toErrorBody(error: unknown, log: Logger, correlationId: string): ErrorBody {
  if (error instanceof GridworkError) return error.toBody();
  const pgCode = pgErrorOf(error).code;
  if (pgCode === '23505') return { code: ErrorCode.CONFLICT, message: 'a record with the same key already exists' };
  if (pgCode === '40001' || pgCode === '40P01') {
    return { code: ErrorCode.UNAVAILABLE, message: 'the request conflicted with a concurrent one; retry it' };
  }
  // A server away is the caller's cue to retry (the contract's UNAVAILABLE), not a fault of the platform's.
  if (isDatabaseUnavailable(error)) {
    log.warn({ err: error }, 'request failed: the database is unavailable');
    return { code: ErrorCode.UNAVAILABLE, message: 'the database is unavailable; retry the request' };
  }
  if (isNatsUnavailable(error)) {
    log.warn({ err: error }, 'request failed: NATS or a service behind it is unavailable');
    return { code: ErrorCode.UNAVAILABLE, message: 'a service this request needs is unavailable; retry the request' };
  }
  log.error({ err: error }, 'handler failed');
  return { code: ErrorCode.INTERNAL, message: `internal error (correlation id ${correlationId})` };
}

/**
 * Serves request/reply endpoints over core NATS with the service's queue group,
 * registered with the NATS service protocol so `$SRV.PING/INFO/STATS` list them.
 * Each request is validated, handled concurrently, and always answered.
 */
export class EndpointServer {
  private service?: Service;
  private readonly pending: Array<{ endpoint: EndpointDefinition<object, unknown>; handler: EndpointHandler }> = [];

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: { service: string; version: string; maxBodyBytes: number },
    private readonly log: Logger,
    private readonly metrics: ServiceMetrics,
  ) {}

  add(endpoint: EndpointDefinition<object, unknown>, handler: EndpointHandler): void {
    if (endpoint.service !== this.options.service) {
      throw new Error(`${endpoint.subject} belongs to ${endpoint.service}, not ${this.options.service}`);
    }
    if (this.pending.some((p) => p.endpoint.subject === endpoint.subject)) {
      throw new Error(`${endpoint.subject} has two handlers`);
    }
    this.pending.push({ endpoint, handler });
  }

  async start(): Promise<void> {
    const service = await new Svcm(this.nc).add({
      name: this.options.service,
      version: this.options.version,
      queue: this.options.service,
      metadata: { instance: INSTANCE_ID },
    });
    this.service = service;
    for (const { endpoint, handler } of this.pending) {
      this.subscribe(endpoint.name, endpoint.subject, endpoint, handler);
      if (endpoint.departments) {
        this.subscribe(`${endpoint.name}-ext`, departmentSubjectOf(endpoint, '*'), endpoint, handler);
      }
    }
    // The server has every subscription before start resolves: a request sent
    // the moment the service is up finds a responder (it got "no responders"
    // on a busy machine before).
    await this.nc.flush();
  }

  private subscribe(name: string, subject: string, endpoint: EndpointDefinition<object, unknown>, handler: EndpointHandler): void {
    // The library creates the endpoint's statistics when it is added; the handler reads them from here.
    const endpointStats: { current?: EndpointStats } = {};
    this.service!.addEndpoint(name, {
      subject,
      metadata: { summary: endpoint.summary },
      handler: (err, msg) => {
        if (err) {
          this.log.error({ err, subject }, 'endpoint subscription failed');
          return;
        }
        const department = departmentOf(msg.subject);
        if (department !== undefined ? !this.repliesToDepartment(department, msg) : !this.repliesToInbox(msg)) return;
        void this.serve(endpoint, handler, msg, endpointStats.current, department);
      },
    });
    endpointStats.current = this.statsOf(name);
  }

  async stop(): Promise<void> {
    await this.service?.stop();
  }

  /**
   * Whether a department's request may be answered on its reply subject. NATS
   * checks only the subject a client publishes on, never its reply-to, and a
   * service publishes the reply with its own rights: a reply-to of
   * `gov.evt.…`, another department's subject or `$JS.API.STREAM.PURGE.…`
   * would make the service publish there for the caller. So a department's
   * reply goes only to its own inbox (`_INBOX_<code>.`), the one a
   * department's connection uses, or to a reply subject the NATS server made
   * for a service import (`_R_.`), which only the server routes. Anything else
   * gets no reply at all; a request without a reply subject has nobody to
   * answer and is not handled either (it would be a way to run a handler
   * unseen).
   */
  private repliesToDepartment(department: string, msg: ServiceMsg): boolean {
    const reply = msg.reply;
    if (reply && (reply.startsWith(`${departmentInboxOf(department)}.`) || reply.startsWith(SERVICE_IMPORT_REPLY))) return true;
    const reason = reply ? 'reply_subject' : 'no_reply';
    this.log.warn(
      { department, subject: msg.subject, reply: reply || undefined, reason },
      reply ? `refused a request of ${department}: its reply subject ${reply} is not ${department}'s inbox` : `ignored a request of ${department} without a reply subject`,
    );
    this.metrics.requestsRefused.inc({ department, reason });
    return false;
  }

  /**
   * Whether a platform caller's request may be answered on its reply subject:
   * an inbox (`_INBOX.`, or a service's `_INBOX_<service>.`) or an import's
   * reply subject, never a subject of the platform. A service's NATS rights
   * include its own events (`gov.evt.<service>.…`), so a reply-to there would
   * put a forged event in its own stream for whoever asked.
   */
  private repliesToInbox(msg: ServiceMsg): boolean {
    const reply = msg.reply;
    if (!reply || reply.startsWith('_INBOX.') || reply.startsWith('_INBOX_') || reply.startsWith(SERVICE_IMPORT_REPLY)) return true;
    this.log.warn({ subject: msg.subject, reply, reason: 'reply_subject' }, `refused a request: its reply subject ${reply} is not an inbox`);
    this.metrics.requestsRefused.inc({ department: PLATFORM_CALLER, reason: 'reply_subject' });
    return false;
  }

  private statsOf(name: string): EndpointStats | undefined {
    const handlers = (this.service as unknown as { handlers?: Array<{ name: string; stats: EndpointStats }> }).handlers;
    return handlers?.find((h) => h.name === name)?.stats;
  }

  private async serve(
    endpoint: EndpointDefinition<object, unknown>,
    handler: EndpointHandler,
    msg: ServiceMsg,
    stats: EndpointStats | undefined,
    department: string | undefined,
  ): Promise<void> {
    const started = process.hrtime.bigint();
    const trace = continueTrace(msg.headers?.get(Headers.traceparent), msg.headers?.get(Headers.correlationId));
    await runWithTrace(trace, async () => {
      let outcome = 'ok';
      try {
        const request = await parseMessage(endpoint.request, msg.data, this.options.maxBodyBytes);
        const data = await handler(request, { subject: endpoint.subject, trace, department });
        msg.respond(JSON.stringify(okReply(data ?? null)));
      } catch (error) {
        const body = toErrorBody(error, this.log, trace.correlationId);
        outcome = body.code;
        if (body.code === ErrorCode.VALIDATION_FAILED) this.log.info({ subject: endpoint.subject, details: body.details }, 'request refused');
        stats?.countError(new Error(`${body.code}: ${body.message}`));
        msg.respondError(SERVICE_ERROR_CODES[body.code], body.code, JSON.stringify(errorReply(body)));
      } finally {
        const elapsed = process.hrtime.bigint() - started;
        if (stats) {
          // The library times only the synchronous part of a handler; add the rest.
          stats.processing_time += Number(elapsed);
          stats.average_processing_time = Math.round(stats.processing_time / Math.max(1, stats.num_requests));
        }
        this.metrics.requests.inc({ subject: endpoint.subject, outcome });
        this.metrics.requestDuration.observe({ subject: endpoint.subject }, Number(elapsed) / 1e9);
      }
    });
  }
}
