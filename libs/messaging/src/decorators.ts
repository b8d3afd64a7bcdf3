import { SetMetadata } from '@nestjs/common';
import type { EndpointDefinition, EventDefinition } from '@gridwork/contracts';

export const ENDPOINT_METADATA = 'gridwork:endpoint';
export const EVENT_HANDLER_METADATA = 'gridwork:event-handler';

/**
 * Serves a request/reply endpoint. The method receives the validated request
 * and a `RequestContext`, and returns the reply's data; a thrown
 * `GridworkError` becomes an error reply with its code.
 */
export const Endpoint = (endpoint: EndpointDefinition<object, unknown>) => SetMetadata(ENDPOINT_METADATA, endpoint);

/**
 * Handles an event from a service's stream, durably and at most once in
 * effect: the method receives the validated payload and an `EventContext`
 * whose `em` is the transaction that also records the event in the inbox.
 */
export const OnEvent = (event: EventDefinition<object>) => SetMetadata(EVENT_HANDLER_METADATA, event);
