import { setTimeout as sleep } from 'node:timers/promises';
import { AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager, type Consumer, type ConsumerMessages, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { PermissionViolationError, nanos, type NatsConnection } from '@nats-io/nats-core';
import { DEPARTMENT_JS_API_PREFIX, ErrorCode, GridworkError } from '@gridwork/contracts';
import { Linger } from './linger.js';

export interface RetryPolicy {
  /** Deliveries before a message is given up on (dead-lettered). */
  maxDeliver: number;
  /** Delay before the second delivery; doubles each time up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
  /** Time to handle a delivery before JetStream sends it again (also how soon a delivery lost with a server restart returns). */
  ackWaitMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxDeliver: 5, backoffMs: 1_000, maxBackoffMs: 60_000, ackWaitMs: 30_000 };

export interface DurableConsumerSpec {
  stream: string;
  /** Durable consumer name; replicas sharing it share the work. */
  durable: string;
  filterSubject: string;
  /**
   * Use the durable as it is, never create or change it: a department
   * system's notice consumer is made by the platform (its NATS rights do not
   * include creating one), and its settings are the platform's.
   */
  bind?: boolean;
  retry?: Partial<RetryPolicy>;
  /** Messages fetched ahead of processing. */
  batch?: number;
  /** Runs once per delivery; a throw means "try again later". */
  handle(message: JsMsg): Promise<void>;
  /**
   * Optional: handles several deliveries that arrived together, all or none.
   * When it throws, each is handled again alone with `handle`, so a failure
   * is retried and counted for the message that caused it.
   */
  handleBatch?(messages: JsMsg[]): Promise<void>;
  /** Largest batch given to `handleBatch` (default 100). */
  maxBatch?: number;
  /**
   * With `handleBatch`: while the flow is busy (see `Linger`), batches start
   * at least this long apart (default 0), so each carries more messages; a
   * message on a quiet path or after a quiet spell is handled at once.
   */
  lingerMs?: number;
  /**
   * Errors that say a dependency is away (the handler's database cannot be
   * reached), not that the message is bad: the consumer then pauses, holds
   * what it has, and tries the same messages again until the dependency is
   * back, with no delivery counted, however long that takes.
   */
  isOutage?(error: unknown): boolean;
  /** Told each time handling pauses for an outage; `pauses` counts them since the outage began. */
  onOutage?(error: unknown, pauses: number): void;
  /** Errors that no retry can mend (a malformed event): given up on at once. */
  isPermanent?(error: unknown): boolean;
  /** Called once the last allowed delivery has failed; the message is then terminated. */
  giveUp(message: JsMsg, error: unknown): Promise<void>;
  onError?(message: JsMsg, error: unknown, willRetry: boolean): void;
  /** Told while the source stream does not exist yet (or cannot be reached); the consumer keeps trying. */
  onWaiting?(stream: string, error?: unknown): void;
}

/** JetStream's answer when the stream named does not exist (its source service has never run here). */
const isStreamMissing = (err: unknown): boolean => err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound;

export interface RunningConsumer {
  stop(): Promise<void>;
}

export const backoffFor = (deliveryCount: number, retry: RetryPolicy): number =>
  Math.min(retry.backoffMs * 2 ** Math.max(0, deliveryCount - 1), retry.maxBackoffMs);

/**
 * A durable, explicit-ack pull consumer that processes messages in order.
 * Failures are retried with exponential backoff (a delayed NAK) and, after
 * `maxDeliver` attempts, handed to `giveUp`. JetStream's own `max_deliver` is
 * set a little higher, so a message whose dead-lettering itself failed is
 * still redelivered rather than dropped.
 */
export async function startDurableConsumer(nc: NatsConnection, spec: DurableConsumerSpec): Promise<RunningConsumer> {
  const retry = { ...DEFAULT_RETRY, ...spec.retry };
  // A department system's account has no JetStream of its own ($JS.API.INFO): only its consumer's API is imported.
  const jsm = await jetstreamManager(nc, { checkAPI: !spec.bind });
  const subscribe = () => subscribeDurable(nc, jsm, spec, retry);

  // Aborted by stop(), so a wait for the stream ends at once instead of after its delay (up to 10 s).
  const stopping = new AbortController();
  const stopped = stopping.signal;
  let deliveries: Deliveries | undefined;
  try {
    deliveries = await subscribe();
  } catch (err) {
    if (!isStreamMissing(err)) throw err;
  }
  const loop = (async () => {
    for (;;) {
      deliveries ??= await waitForStream(spec, subscribe, stopped);
      if (!deliveries || stopped.aborted) break;
      await handleInOrder(deliveries, spec, retry);
      if (stopped.aborted || nc.isClosed()) break;
      // The server ended the pull (stop() did not): pull again, as when the stream was missing.
      spec.onWaiting?.(spec.stream, deliveries.error);
      await deliveries.close();
      deliveries = undefined;
    }
    await deliveries?.close();
  })();

  return {
    async stop() {
      stopping.abort();
      await deliveries?.close();
      await loop;
      // Until the server has the unsubscribe, it may still hand this pull
      // messages that nobody will read (back only after ack wait); the flush
      // makes sure it has it, and the acks, before stop resolves.
      await nc.flush().catch(() => undefined);
    },
  };
}

/**
 * The deliveries of one pull, in arrival order, in a buffer of this
 * consumer's own, so that what has arrived is exactly what is here. The
 * library's iterator cannot say that: its `getPending()` counts the pull
 * requests it queues among the messages and does not uncount them once run,
 * so it stayed above zero with nothing buffered (after each refill, every 64
 * messages, and after a pull expiry). Gathering a batch while it was above
 * zero then waited inside the batch, the batch unacknowledged, until
 * JetStream sent it again after ack wait: the 30 s stalls.
 */
class Deliveries {
  private queue: JsMsg[] = [];
  private head = 0;
  private wake?: () => void;
  private ended = false;
  /** Why the pull ended, when the server or the connection ended it. */
  error?: Error;
  pull?: ConsumerMessages;

  push(message: JsMsg): void {
    this.queue.push(message);
    this.wake?.();
  }

  end(error?: Error): void {
    this.ended = true;
    this.error ??= error;
    this.wake?.();
  }

  /** Whether the pull has ended (stop(), or the server or the connection ended it). */
  get isEnded(): boolean {
    return this.ended;
  }

  /** Tells JetStream that every buffered delivery is still being worked on: ack wait starts again for each. */
  keepWorking(): void {
    keepWorking(this.queue.slice(this.head));
  }

  /** Deliveries that have arrived and are not taken yet. */
  get buffered(): number {
    return this.queue.length - this.head;
  }

  /** The next delivery, once one arrives; undefined once the pull has ended. */
  async next(): Promise<JsMsg | undefined> {
    while (this.buffered === 0 && !this.ended) await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = undefined;
    return this.ended ? undefined : this.take(1)[0];
  }

  /** Up to `max` of the deliveries that have arrived, without waiting. */
  take(max: number): JsMsg[] {
    const taken = this.queue.slice(this.head, this.head + max);
    this.head += taken.length;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
    return taken;
  }

  /** Ends the pull; what arrived and was not handled goes back to JetStream at once, for another replica or the next start. */
  async close(): Promise<void> {
    this.end();
    await this.pull?.close();
    giveBack(this.take(this.buffered));
  }
}

/** Back to JetStream at once, for another replica or the next start. */
function giveBack(messages: JsMsg[]): void {
  for (const message of messages) {
    try {
      message.nak();
    } catch {
      // the connection is closed: JetStream sends it again after ack wait
    }
  }
}

function keepWorking(messages: JsMsg[]): void {
  for (const message of messages) {
    try {
      message.working();
    } catch {
      // the connection is closed: nothing to tell
    }
  }
}

/**
 * The settings of a durable pull consumer with explicit acks from the first
 * event on. JetStream's `max_deliver` is a little above the retry policy's,
 * so a message whose dead-lettering failed is still redelivered.
 */
export const durableConsumerConfig = (durable: string, filterSubject: string, retry: RetryPolicy) => ({
  durable_name: durable,
  ack_policy: AckPolicy.Explicit,
  deliver_policy: DeliverPolicy.All,
  filter_subject: filterSubject,
  max_deliver: retry.maxDeliver + 5,
  ack_wait: nanos(retry.ackWaitMs),
});

/** Creates the durable consumer, or brings an existing one's retry settings up to date, and starts pulling from it. */
async function subscribeDurable(nc: NatsConnection, jsm: JetStreamManager, spec: DurableConsumerSpec, retry: RetryPolicy): Promise<Deliveries> {
  if (spec.bind) return bindDurable(nc, jsm, spec);
  const config = durableConsumerConfig(spec.durable, spec.filterSubject, retry);
  try {
    await jsm.consumers.info(spec.stream, spec.durable);
    await jsm.consumers.update(spec.stream, spec.durable, { max_deliver: config.max_deliver, ack_wait: config.ack_wait });
  } catch (err) {
    if (isStreamMissing(err)) throw err;
    await jsm.consumers.add(spec.stream, config);
  }
  return pullInto(await jetstream(nc).consumers.get(spec.stream, spec.durable), spec);
}

/** Starts pulling from a consumer into a buffer of this consumer's own (see Deliveries). */
async function pullInto(consumer: Consumer, spec: DurableConsumerSpec): Promise<Deliveries> {
  const deliveries = new Deliveries();
  // Short pull expiries (heartbeat every 2.5 s) let a consumer notice a lost
  // server and pull again within seconds instead of the default 30 s.
  const pull = await consumer.consume({ max_messages: spec.batch ?? 256, expires: 5_000, callback: (message) => deliveries.push(message) });
  deliveries.pull = pull;
  void pull.closed().then((err) => deliveries.end(err || undefined));
  return deliveries;
}

/**
 * What `$JS.API` gives a department system's account, which has only its
 * consumer's API, imported under another prefix: JetStream not enabled, or a
 * permissions violation (its user may not publish there).
 */
function isNotThisAccountsApi(err: unknown): boolean {
  if (err instanceof JetStreamApiError) return err.code === JetStreamApiCodes.JetStreamNotEnabledForAccount;
  for (let e = err as { cause?: unknown } | undefined; e; e = e.cause as typeof e) if (e instanceof PermissionViolationError) return true;
  return false;
}

/**
 * Pulls from a durable someone else made; refuses one that is missing or not
 * the pull consumer on the filter asked for. On the platform's own account
 * (and a development server) the API is `$JS.API`; a department system's
 * account has it under DEPARTMENT_JS_API_PREFIX.
 */
async function bindDurable(nc: NatsConnection, jsm: JetStreamManager, spec: DurableConsumerSpec): Promise<Deliveries> {
  try {
    return await bindDurableVia(nc, jsm, spec, undefined);
  } catch (err) {
    if (!isNotThisAccountsApi(err)) throw err;
    const apiPrefix = DEPARTMENT_JS_API_PREFIX;
    return bindDurableVia(nc, await jetstreamManager(nc, { checkAPI: false, apiPrefix }), spec, apiPrefix);
  }
}

async function bindDurableVia(nc: NatsConnection, jsm: JetStreamManager, spec: DurableConsumerSpec, apiPrefix: string | undefined): Promise<Deliveries> {
  let info;
  try {
    info = await jsm.consumers.info(spec.stream, spec.durable);
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound) {
      throw new GridworkError(
        ErrorCode.UNAVAILABLE,
        `the consumer ${spec.durable} on ${spec.stream} does not exist: the platform creates it (dispatch's DEPARTMENTS setting lists ${spec.durable})`,
      );
    }
    throw err;
  }
  if (info.config.deliver_subject || info.config.filter_subject !== spec.filterSubject) {
    throw new GridworkError(
      ErrorCode.UNAVAILABLE,
      `the consumer ${spec.durable} on ${spec.stream} is not a pull consumer filtered to ${spec.filterSubject}; the platform recreates it at dispatch's start`,
    );
  }
  return pullInto(await jetstream(nc, apiPrefix ? { apiPrefix } : {}).consumers.get(spec.stream, spec.durable), spec);
}

/** The source service has never run here: its stream appears when it starts. Undefined once stopped. */
async function waitForStream(
  spec: DurableConsumerSpec,
  subscribe: () => Promise<Deliveries>,
  stopped: AbortSignal,
): Promise<Deliveries | undefined> {
  for (let delay = 250; !stopped.aborted; delay = Math.min(delay * 2, 10_000)) {
    spec.onWaiting?.(spec.stream);
    // Ends early, without a rejection to handle, when the consumer is stopped.
    await sleep(delay, undefined, { signal: stopped }).catch(() => undefined);
    if (stopped.aborted) return undefined;
    try {
      return await subscribe();
    } catch (err) {
      if (!isStreamMissing(err)) spec.onWaiting?.(spec.stream, err);
    }
  }
  return undefined;
}

/**
 * Handles the deliveries in order, in batches of what has arrived (one by
 * one without `handleBatch`), until the pull ends. A batch never waits for
 * a delivery that has not arrived.
 */
async function handleInOrder(deliveries: Deliveries, spec: DurableConsumerSpec, retry: RetryPolicy): Promise<void> {
  const maxBatch = spec.handleBatch ? (spec.maxBatch ?? 100) : 1;
  const linger = new Linger(maxBatch > 1 ? (spec.lingerMs ?? 0) : 0);
  for (;;) {
    const first = await deliveries.next();
    if (!first) return;
    // Linger while the flow is busy: a batch starts lingerMs after the last one, unless a full batch is already waiting.
    const wait = linger.delay();
    if (wait > 0 && deliveries.buffered < maxBatch - 1) await sleep(wait);
    linger.started();
    const batch = [first, ...deliveries.take(maxBatch - 1)];
    linger.count(batch.length);
    if (batch.length > 1 && (await handleTogether(batch, deliveries, spec, retry))) continue;
    for (const message of batch) await handleOne(message, deliveries, spec, retry);
  }
}

/**
 * Runs `attempt` until it does not fail for an outage. While a dependency is
 * away the consumer waits, with the retry policy's growing delay but never
 * more than a third of ack wait, and tells JetStream it is still working on
 * what it holds (`held` and everything buffered), so that nothing is sent
 * again or counted as a delivery. 'stopped' when the pull ended meanwhile.
 */
async function throughOutages(
  attempt: () => Promise<void>,
  held: JsMsg[],
  deliveries: Deliveries,
  spec: DurableConsumerSpec,
  retry: RetryPolicy,
): Promise<'done' | 'stopped'> {
  for (let pauses = 1; ; pauses++) {
    try {
      await attempt();
      return 'done';
    } catch (error) {
      if (!spec.isOutage?.(error)) throw error;
      if (deliveries.isEnded) return 'stopped';
      spec.onOutage?.(error, pauses);
      keepWorking(held);
      deliveries.keepWorking();
      await sleep(Math.min(backoffFor(pauses, retry), retry.ackWaitMs / 3));
      keepWorking(held);
      deliveries.keepWorking();
      if (deliveries.isEnded) return 'stopped';
    }
  }
}

/** All or none with `handleBatch`; false when it threw, and each is then handled alone so the failing one is retried by itself. */
async function handleTogether(batch: JsMsg[], deliveries: Deliveries, spec: DurableConsumerSpec, retry: RetryPolicy): Promise<boolean> {
  const handleBatch = spec.handleBatch;
  if (!handleBatch) return false;
  try {
    if ((await throughOutages(() => handleBatch(batch), batch, deliveries, spec, retry)) === 'stopped') giveBack(batch);
    else for (const message of batch) message.ack();
    return true;
  } catch {
    return false;
  }
}

/** One delivery: acknowledged when handled, else retried after a backoff, else given up on (and terminated). */
async function handleOne(message: JsMsg, deliveries: Deliveries, spec: DurableConsumerSpec, retry: RetryPolicy): Promise<void> {
  try {
    if ((await throughOutages(() => spec.handle(message), [message], deliveries, spec, retry)) === 'stopped') return giveBack([message]);
    message.ack();
  } catch (error) {
    const attempts = message.info.deliveryCount;
    const willRetry = attempts < retry.maxDeliver && !spec.isPermanent?.(error);
    spec.onError?.(message, error, willRetry);
    if (willRetry) {
      message.nak(backoffFor(attempts, retry));
      return;
    }
    try {
      await spec.giveUp(message, error);
      // A plain +TERM: nats-server 2.9 ignores one that carries a reason (2.10
      // added reasons) and sends the message again after ack wait. The reason
      // is in the dead letter.
      message.term();
    } catch (giveUpError) {
      spec.onError?.(message, giveUpError, true);
      message.nak(retry.maxBackoffMs);
    }
  }
}
