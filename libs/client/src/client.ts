import { createInbox, headers as natsHeaders, type MsgHdrs, type NatsConnection, NoRespondersError, RequestError, TimeoutError } from '@nats-io/nats-core';
import { isNatsUnavailable } from './unavailable.js';
import type { JsMsg } from '@nats-io/jetstream';
import { startDurableConsumer, type RetryPolicy, type RunningConsumer } from './consumer.js';
import {
  ErrorCode,
  GridworkError,
  Headers,
  addressedFilterOf,
  addressedSubjectOf,
  assertDepartment,
  continueTrace,
  departmentInboxOf,
  departmentSubjectOf,
  eventSubjectFor,
  parseMessage,
  streamNameOf,
  type EndpointDefinition,
  type EventDefinition,
  type ReplyEnvelope,
} from '@gridwork/contracts';

export interface RequestOptions {
  timeoutMs?: number;
  /** Continue an existing trace; a new one is started otherwise. */
  traceparent?: string;
  correlationId?: string;
}

export interface EventMeta {
  eventId: string;
  subject: string;
  schema: string;
  streamSequence: number;
  deliveryCount: number;
  traceparent?: string;
  correlationId?: string;
}

/** The parts of a stored event that handling it needs; a live delivery and a dead letter both have them. */
export interface StoredEvent {
  subject: string;
  headers: MsgHdrs | undefined;
  data: Uint8Array;
  streamSequence: number;
  deliveryCount: number;
}

export const storedEventOf = (message: JsMsg): StoredEvent => ({
  subject: message.subject,
  headers: message.headers,
  data: message.data,
  streamSequence: message.info.streamSequence,
  deliveryCount: message.info.deliveryCount,
});

export function eventMetaOf(event: StoredEvent): EventMeta {
  const h = event.headers;
  return {
    eventId: h?.get(Headers.msgId) ?? '',
    subject: event.subject,
    schema: h?.get(Headers.schema) ?? '',
    streamSequence: event.streamSequence,
    deliveryCount: event.deliveryCount,
    traceparent: h?.get(Headers.traceparent) || undefined,
    correlationId: h?.get(Headers.correlationId) || undefined,
  };
}

export function decodeJson(data: Uint8Array): unknown {
  return JSON.parse(new TextDecoder().decode(data));
}

/**
 * What a department system needs to talk to Gridwork: typed requests that
 * return the reply's data or throw a `GridworkError`, and durable event
 * consumption.
 */
export class GridworkClient {
  constructor(
    private readonly nc: NatsConnection,
    private readonly defaults: {
      timeoutMs?: number;
      /** Set for a department system: requests go to `gov.ext.<department>.…`, the only subjects it may publish on. */
      department?: string;
    } = {},
  ) {
    if (defaults.department !== undefined) assertDepartment(defaults.department);
  }

  async request<Request extends object, Reply>(
    endpoint: EndpointDefinition<Request, Reply>,
    payload: Request,
    options: RequestOptions = {},
  ): Promise<Reply> {
    const trace = continueTrace(options.traceparent, options.correlationId);
    const h: MsgHdrs = natsHeaders();
    h.set(Headers.traceparent, trace.traceparent);
    h.set(Headers.correlationId, trace.correlationId);
    const timeout = options.timeoutMs ?? this.defaults.timeoutMs ?? 10_000;
    const department = this.defaults.department;
    if (department && !endpoint.departments) {
      throw new GridworkError(ErrorCode.FORBIDDEN, `${endpoint.subject} is not open to department systems`);
    }
    const subject = department ? departmentSubjectOf(endpoint, department) : endpoint.subject;
    let reply;
    try {
      reply = await this.nc.request(subject, JSON.stringify(payload), { timeout, headers: h, ...this.replyOptions() });
    } catch (err) {
      if (err instanceof NoRespondersError || (err instanceof RequestError && err.isNoResponders())) {
        throw new GridworkError(ErrorCode.UNAVAILABLE, `no ${endpoint.service} service is serving ${subject}`);
      }
      if (err instanceof TimeoutError) {
        throw new GridworkError(ErrorCode.UNAVAILABLE, `${subject} did not answer within ${timeout} ms`);
      }
      if (isNatsUnavailable(err)) throw new GridworkError(ErrorCode.UNAVAILABLE, `NATS cannot be reached (${(err as Error).message})`);
      throw err;
    }
    const envelope = decodeJson(reply.data) as ReplyEnvelope<Reply>;
    if (envelope.ok) return envelope.data;
    throw new GridworkError(envelope.error.code, envelope.error.message, envelope.error.details);
  }

  /**
   * A department's requests carry a reply subject under its own inbox,
   * `_INBOX_<code>.`: the services answer a department nowhere else. A
   * connection opened with that `inboxPrefix` (a department system's) has it
   * already and shares one reply subscription; on any other connection (the
   * platform's, a test's) each request gets its own reply subscription there.
   */
  private replyOptions(): { noMux?: boolean; reply?: string } {
    const department = this.defaults.department;
    if (!department) return {};
    const inbox = departmentInboxOf(department);
    if ((this.nc as { options?: { inboxPrefix?: string } }).options?.inboxPrefix === inbox) return {};
    return { noMux: true, reply: createInbox(inbox) };
  }

  /**
   * Consumes one event type durably: the named consumer remembers its place
   * across restarts, a handler failure is retried with backoff, and after
   * `maxDeliver` failures `onGiveUp` is told and the message is dropped for
   * this consumer.
   *
   * An event addressed to departments (`defineEvent({ addressed: true })`) is
   * consumed for one department only: `department`, else the client's own.
   * A department system's client may consume only its own department's; in
   * production its NATS permissions allow one durable, named after its code.
   */
  async consume<Payload extends object>(
    event: EventDefinition<Payload>,
    options: {
      durable: string;
      /** For an addressed event: whose events (a department system's client: its own, the default). */
      department?: string;
      retry?: Partial<RetryPolicy>;
      onGiveUp?: (meta: EventMeta, error: unknown) => Promise<void> | void;
    },
    handler: (payload: Payload, meta: EventMeta) => Promise<void>,
  ): Promise<RunningConsumer> {
    if (event.addressed && this.defaults.department) {
      // A department system has one consumer for all its notices (see consumeAddressed): this kind is handled, the others acknowledged unseen.
      return this.consumeAddressed([event], options, (payload, meta) => handler(payload, meta));
    }
    const filterSubject = eventSubjectFor(event, event.addressed ? this.addressee(event, options.department) : options.department, 'consume');
    return startDurableConsumer(this.nc, {
      stream: streamNameOf(event.service),
      durable: options.durable,
      filterSubject,
      retry: options.retry,
      handle: async (message) =>
        handler(await parseMessage(event.payload, message.data, Number.POSITIVE_INFINITY), eventMetaOf(storedEventOf(message))),
      giveUp: async (message, error) => {
        await options.onGiveUp?.(eventMetaOf(storedEventOf(message)), error);
      },
    });
  }

  /**
   * Consumes several addressed events of one service and aggregate (a
   * department's notices) for one department, in order, with one durable
   * consumer filtered to `gov.evt.<service>.<aggregate>.<department>.>`.
   * The durable defaults to the department's code, the one name a department
   * system's NATS permissions allow. An event of a kind not in `events` (one
   * added to the platform later) is acknowledged without calling `handler`.
   *
   * A department system's client does not create the consumer: the platform
   * does (dispatch at its start, for each department in its DEPARTMENTS
   * setting), as a pull consumer on the department's notices with the
   * platform's ack wait and redelivery limit, and the department may only
   * pull from it and acknowledge. Its client binds to that consumer, named
   * after its code, and fails with UNAVAILABLE when it does not exist.
   */
  async consumeAddressed<Payload extends object>(
    events: readonly EventDefinition<Payload>[],
    options: {
      durable?: string;
      department?: string;
      retry?: Partial<RetryPolicy>;
      onGiveUp?: (meta: EventMeta, error: unknown) => Promise<void> | void;
    },
    handler: (payload: Payload, meta: EventMeta, event: EventDefinition<Payload>) => Promise<void>,
  ): Promise<RunningConsumer> {
    const [first] = events;
    if (!first) throw new Error('consumeAddressed needs at least one event');
    const department = this.addressee(first, options.department);
    const filterSubject = addressedFilterOf(first, department);
    const bySubject = new Map<string, EventDefinition<Payload>>();
    for (const event of events) {
      if (!event.addressed || addressedFilterOf(event, department) !== filterSubject) {
        throw new Error(`consumeAddressed: ${event.subject} is not addressed like ${first.subject} (same service and aggregate)`);
      }
      bySubject.set(addressedSubjectOf(event, department), event);
    }
    const own = this.defaults.department;
    const durable = options.durable ?? department;
    if (own && durable !== own) {
      throw new GridworkError(ErrorCode.FORBIDDEN, `${own} consumes its notices with its own consumer, named ${own}, not ${durable}`);
    }
    return startDurableConsumer(this.nc, {
      stream: streamNameOf(first.service),
      durable,
      bind: own !== undefined,
      filterSubject,
      retry: options.retry,
      handle: async (message) => {
        const event = bySubject.get(message.subject);
        if (!event) return;
        await handler(await parseMessage(event.payload, message.data, Number.POSITIVE_INFINITY), eventMetaOf(storedEventOf(message)), event);
      },
      giveUp: async (message, error) => {
        await options.onGiveUp?.(eventMetaOf(storedEventOf(message)), error);
      },
    });
  }

  /** The department whose addressed events to consume: a department system's client consumes only its own. */
  private addressee(event: EventDefinition<object>, department: string | undefined): string {
    const own = this.defaults.department;
    if (own && department && department !== own) {
      throw new GridworkError(ErrorCode.FORBIDDEN, `${own} may consume only its own ${event.type} events, not ${department}'s`);
    }
    const addressee = department ?? own;
    if (!addressee) throw new Error(`${event.subject} is addressed to departments: say whose with { department }`);
    return addressee;
  }
}
