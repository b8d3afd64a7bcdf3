import { ClosedConnectionError, ConnectionError, DrainingConnectionError, NoRespondersError, RequestError, TimeoutError } from '@nats-io/nats-core';
import { JetStreamApiError } from '@nats-io/jetstream';

/** JetStream's "temporarily unavailable" (a cluster without a leader for the stream or the meta group, for a moment). */
const JETSTREAM_TEMPORARILY_UNAVAILABLE = 10008;

/**
 * Whether an error says NATS (or a service or JetStream behind it) cannot be
 * reached now, rather than that the request was wrong: no responder, no
 * answer in time, a connection closed, draining or failing, JetStream
 * without a leader. Such a request is worth sending again later.
 */
export function isNatsUnavailable(error: unknown): boolean {
  if (error instanceof NoRespondersError || error instanceof TimeoutError) return true;
  if (error instanceof ClosedConnectionError || error instanceof DrainingConnectionError || error instanceof ConnectionError) return true;
  if (error instanceof RequestError) return error.isNoResponders() || isNatsUnavailable(error.cause);
  if (error instanceof JetStreamApiError) return error.code === JETSTREAM_TEMPORARILY_UNAVAILABLE;
  return false;
}
