import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/nats-core';

export interface RetryPolicy {
  /** Deliveries before a message is given up on (dead-lettered). */
  maxDeliver: number;
  /** Delay before the second delivery; doubles each time up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxDeliver: 5, backoffMs: 1_000, maxBackoffMs: 60_000 };

export interface DurableConsumerSpec {
  stream: string;
  /** Durable consumer name; replicas sharing it share the work. */
  durable: string;
  filterSubject: string;
  retry?: Partial<RetryPolicy>;
  /** Messages fetched ahead of processing. */
  batch?: number;
  /** Runs once per delivery; a throw means "try again later". */
  handle(message: JsMsg): Promise<void>;
  /** Errors that no retry can mend (a malformed event): given up on at once. */
  isPermanent?(error: unknown): boolean;
  /** Called once the last allowed delivery has failed; the message is then terminated. */
  giveUp(message: JsMsg, error: unknown): Promise<void>;
  onError?(message: JsMsg, error: unknown, willRetry: boolean): void;
}

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
  const jsm = await jetstreamManager(nc);
  const config = {
    durable_name: spec.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: spec.filterSubject,
    max_deliver: retry.maxDeliver + 5,
    ack_wait: nanos(30_000),
  };
  try {
    await jsm.consumers.info(spec.stream, spec.durable);
    await jsm.consumers.update(spec.stream, spec.durable, { max_deliver: config.max_deliver, ack_wait: config.ack_wait });
  } catch {
    await jsm.consumers.add(spec.stream, config);
  }
  const consumer = await jetstream(nc).consumers.get(spec.stream, spec.durable);
  const messages: ConsumerMessages = await consumer.consume({ max_messages: spec.batch ?? 256 });

  const loop = (async () => {
    for await (const message of messages) {
      try {
        await spec.handle(message);
        message.ack();
      } catch (error) {
        const attempts = message.info.deliveryCount;
        const willRetry = attempts < retry.maxDeliver && !spec.isPermanent?.(error);
        spec.onError?.(message, error, willRetry);
        if (willRetry) {
          message.nak(backoffFor(attempts, retry));
          continue;
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
  })();

  return {
    async stop() {
      await messages.close();
      await loop;
    },
  };
}
