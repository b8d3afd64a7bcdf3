import { JetStreamApiCodes, JetStreamApiError, type ConsumerInfo, type JetStreamManager } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { durableConsumerConfig, type RetryPolicy } from '@gridwork/client';
import { addressedFilterOf, allDefinitions, streamNameOf, subjects, type EventDefinition } from '@gridwork/contracts';

/**
 * The one filter of a service's events addressed to a department
 * (`gov.evt.dispatch.notice.<department>.>`), or undefined when the service
 * addresses none. A department has one consumer per stream, named after its
 * code, so a service may address departments under one aggregate only.
 */
export function addressedFilterFor(service: string, department: string): string | undefined {
  const addressed = allDefinitions(subjects).filter((d): d is EventDefinition<object> => d.kind === 'event' && d.service === service && d.addressed);
  const filters = new Set(addressed.map((event) => addressedFilterOf(event, department)));
  if (filters.size > 1) throw new Error(`${service} addresses departments under several aggregates (${[...filters].join(', ')}); a department has one consumer`);
  return [...filters][0];
}

/**
 * Creates each department's durable pull consumer on the service's stream,
 * named after its code and filtered to its own addressed events (its
 * notices), or puts an existing one right. The platform does this, not the
 * department: a department allowed to create its consumer could give it a
 * `deliver_subject` (a push consumer) and have its notices sent anywhere, or
 * another department's inbox could be flooded with them (issue #10). A
 * consumer found with another filter or a deliver subject is deleted and made
 * again from the start of the stream: its place is lost, and its notices are
 * delivered again from the first (each carries its event id, Nats-Msg-Id).
 */
export async function ensureDepartmentConsumers(
  jsm: JetStreamManager,
  service: string,
  departments: readonly string[],
  retry: RetryPolicy,
  log: Pick<Logger, 'warn'>,
): Promise<void> {
  const stream = streamNameOf(service);
  for (const department of departments) {
    const filter = addressedFilterFor(service, department);
    if (!filter) return;
    const config = durableConsumerConfig(department, filter, retry);
    const existing = await infoOrUndefined(jsm, stream, department);
    if (existing && (existing.config.deliver_subject || existing.config.filter_subject !== filter || existing.config.ack_policy !== config.ack_policy)) {
      log.warn(
        { department, stream, deliverSubject: existing.config.deliver_subject, filter: existing.config.filter_subject },
        `the consumer ${department} on ${stream} was not the platform's pull consumer on ${filter}; made again`,
      );
      await jsm.consumers.delete(stream, department);
    } else if (existing) {
      await jsm.consumers.update(stream, department, { max_deliver: config.max_deliver, ack_wait: config.ack_wait });
      continue;
    }
    try {
      await jsm.consumers.add(stream, config);
    } catch (err) {
      // Another replica made it at the same moment, with the same settings.
      if (!(await infoOrUndefined(jsm, stream, department))) throw err;
    }
  }
}

async function infoOrUndefined(jsm: JetStreamManager, stream: string, consumer: string): Promise<ConsumerInfo | undefined> {
  try {
    return await jsm.consumers.info(stream, consumer);
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound) return undefined;
    throw err;
  }
}
