import { setTimeout as sleep } from 'node:timers/promises';
import { AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager, type ConsumerMessages, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { PermissionViolationError, nanos, type NatsConnection } from '@nats-io/nats-core';
import { DEPARTMENT_JS_API_PREFIX, ErrorCode, GridworkError } from '@gridwork/contracts';

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
   * With `handleBatch`: batches start at least this long apart (default 0),
   * so under a steady flow each carries more messages; a message after a
   * quiet spell is handled at once.
   */
  lingerMs?: number;
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
  let messages: ConsumerMessages | undefined;
  try {
    messages = await subscribe();
  } catch (err) {
    if (!isStreamMissing(err)) throw err;
  }
  const loop = (async () => {
    messages ??= await waitForStream(spec, subscribe, stopped);
    if (!messages || stopped.aborted) return messages?.close();
    await handleInOrder(messages, spec, retry);
  })();

  return {
    async stop() {
      stopping.abort();
      await messages?.close();
      await loop;
      // Until the server has the unsubscribe, it may still hand this pull
      // messages that nobody will read (back only after ack wait); the flush
      // makes sure it has it, and the acks, before stop resolves.
      await nc.flush().catch(() => undefined);
    },
  };
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
async function subscribeDurable(nc: NatsConnection, jsm: JetStreamManager, spec: DurableConsumerSpec, retry: RetryPolicy): Promise<ConsumerMessages> {
  if (spec.bind) return bindDurable(nc, jsm, spec);
  const config = durableConsumerConfig(spec.durable, spec.filterSubject, retry);
  try {
    await jsm.consumers.info(spec.stream, spec.durable);
    await jsm.consumers.update(spec.stream, spec.durable, { max_deliver: config.max_deliver, ack_wait: config.ack_wait });
  } catch (err) {
    if (isStreamMissing(err)) throw err;
    await jsm.consumers.add(spec.stream, config);
  }
  const consumer = await jetstream(nc).consumers.get(spec.stream, spec.durable);
  // Short pull expiries (heartbeat every 2.5 s) let a consumer notice a lost
  // server and pull again within seconds instead of the default 30 s.
  return consumer.consume({ max_messages: spec.batch ?? 256, expires: 5_000 });
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
async function bindDurable(nc: NatsConnection, jsm: JetStreamManager, spec: DurableConsumerSpec): Promise<ConsumerMessages> {
  try {
    return await bindDurableVia(nc, jsm, spec, undefined);
  } catch (err) {
    if (!isNotThisAccountsApi(err)) throw err;
    const apiPrefix = DEPARTMENT_JS_API_PREFIX;
    return bindDurableVia(nc, await jetstreamManager(nc, { checkAPI: false, apiPrefix }), spec, apiPrefix);
  }
}

async function bindDurableVia(nc: NatsConnection, jsm: JetStreamManager, spec: DurableConsumerSpec, apiPrefix: string | undefined): Promise<ConsumerMessages> {
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
  const consumer = await jetstream(nc, apiPrefix ? { apiPrefix } : {}).consumers.get(spec.stream, spec.durable);
  return consumer.consume({ max_messages: spec.batch ?? 256, expires: 5_000 });
}

/** The source service has never run here: its stream appears when it starts. Undefined once stopped. */
async function waitForStream(
  spec: DurableConsumerSpec,
  subscribe: () => Promise<ConsumerMessages>,
  stopped: AbortSignal,
): Promise<ConsumerMessages | undefined> {
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

/** Handles the deliveries in order, in batches of what has arrived (one by one without `handleBatch`), until the pull is closed. */
async function handleInOrder(messages: ConsumerMessages, spec: DurableConsumerSpec, retry: RetryPolicy): Promise<void> {
  const iterator = messages[Symbol.asyncIterator]();
  const maxBatch = spec.handleBatch ? (spec.maxBatch ?? 100) : 1;
  const lingerMs = maxBatch > 1 ? (spec.lingerMs ?? 0) : 0;
  let lastBatchAt = Number.NEGATIVE_INFINITY;
  for (;;) {
    const first = await iterator.next();
    if (first.done) return;
    // Linger: a batch starts lingerMs after the last one, unless a full batch is already waiting.
    const wait = lastBatchAt + lingerMs - performance.now();
    if (wait > 0 && messages.getPending() < maxBatch - 1) await new Promise((resolve) => setTimeout(resolve, wait));
    lastBatchAt = performance.now();
    const batch = await takeArrived(first.value, iterator, messages, maxBatch);
    if (batch.length > 1 && (await handleTogether(batch, spec))) continue;
    for (const message of batch) await handleOne(message, spec, retry);
  }
}

/** The first delivery and what has arrived behind it by now, up to `maxBatch`. */
async function takeArrived(first: JsMsg, iterator: AsyncIterator<JsMsg>, messages: ConsumerMessages, maxBatch: number): Promise<JsMsg[]> {
  const batch: JsMsg[] = [first];
  while (batch.length < maxBatch && messages.getPending() > 0) {
    const next = await iterator.next();
    if (next.done) break;
    batch.push(next.value);
  }
  return batch;
}

/** All or none with `handleBatch`; false when it threw, and each is then handled alone so the failing one is retried by itself. */
async function handleTogether(batch: JsMsg[], spec: DurableConsumerSpec): Promise<boolean> {
  if (!spec.handleBatch) return false;
  try {
    await spec.handleBatch(batch);
    for (const message of batch) message.ack();
    return true;
  } catch {
    return false;
  }
}

/** One delivery: acknowledged when handled, else retried after a backoff, else given up on (and terminated). */
async function handleOne(message: JsMsg, spec: DurableConsumerSpec, retry: RetryPolicy): Promise<void> {
  try {
    await spec.handle(message);
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
      message.term(`gave up after ${attempts} deliveries`);
    } catch (giveUpError) {
      spec.onError?.(message, giveUpError, true);
      message.nak(retry.maxBackoffMs);
    }
  }
}
