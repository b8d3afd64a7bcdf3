import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { deadLetterStreamOf, eventSubjectsOf, streamNameOf } from '@gridwork/contracts';

/** Creates the service's event stream and dead-letter stream, or brings their settings up to date. */
export async function ensureServiceStreams(jsm: JetStreamManager, service: string, replicas: number): Promise<void> {
  await ensureStream(jsm, {
    name: streamNameOf(service),
    subjects: [eventSubjectsOf(service)],
    description: `Domain events of the ${service} service`,
    num_replicas: replicas,
    // Events are kept so a new consumer can build its read model from the start.
    retention: RetentionPolicy.Limits,
    duplicate_window: nanos(2 * 60_000),
  });
  await ensureStream(jsm, {
    name: deadLetterStreamOf(service),
    subjects: [`gov.dlq.${service}.>`],
    description: `Events the ${service} service's consumers gave up on`,
    num_replicas: replicas,
    retention: RetentionPolicy.Limits,
  });
}

async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<void> {
  const full = { storage: StorageType.File, discard: DiscardPolicy.Old, ...config };
  try {
    await jsm.streams.info(config.name);
  } catch {
    try {
      await jsm.streams.add(full);
      return;
    } catch (err) {
      // Another replica created it at the same moment.
      if (!/already in use|exists/i.test(String(err))) throw err;
    }
  }
  const { storage: _storage, ...updatable } = full;
  await jsm.streams.update(config.name, updatable);
}
