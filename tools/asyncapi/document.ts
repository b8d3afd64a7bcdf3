import {
  ERROR_CODES,
  allDefinitions,
  departmentSubjectOf,
  withAddressToken,
  type EndpointDefinition,
  type EventDefinition,
} from '@gridwork/contracts';
import { classSchemas, contractsSourceDir, ref, schemaOfClass, type Schema } from '../schemas/class-schemas.js';

const channelId = (subject: string) => subject.replace(/\./g, '_');

/** A channel's address: the subject, with an addressed event's department token as the parameter `{department}`. */
export function channelAddressOf(def: EndpointDefinition<object, unknown> | EventDefinition<object>): string {
  return def.kind === 'event' && def.addressed ? withAddressToken(def, '{department}') : def.subject;
}

/**
 * The AsyncAPI 3.0 document of every subject in the catalogue: request and
 * reply schemas, error codes, events. Generated, never edited by hand;
 * `npm run asyncapi -- --check` fails when the checked-in copy is stale.
 */
export function buildAsyncApiDocument(version: string): Record<string, unknown> {
  const definitions = allDefinitions().sort((a, b) => a.subject.localeCompare(b.subject));
  const schemas: Record<string, unknown> = {
    ...classSchemas([contractsSourceDir()]),
    ErrorReply: {
      type: 'object',
      required: ['ok', 'error'],
      properties: {
        ok: { const: false },
        error: {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: { enum: [...ERROR_CODES] },
            message: { type: 'string' },
            details: {
              type: 'array',
              items: {
                type: 'object',
                required: ['field', 'messages'],
                properties: { field: { type: 'string' }, messages: { type: 'array', items: { type: 'string' } } },
              },
            },
          },
        },
      },
    },
  };
  // A message class with no rules of its own (empty, or only inherited fields) has no generated schema.
  for (const def of definitions) {
    const classes = def.kind === 'endpoint' ? [def.request, def.reply] : [(def as EventDefinition<object>).payload];
    for (const type of classes) schemas[type.name] ??= schemaOfClass(schemas as Record<string, Schema>, type);
  }
  const sortedSchemas = Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b)));
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};

  for (const def of definitions) {
    const id = channelId(channelAddressOf(def).replace(/[{}]/g, ''));
    if (def.kind === 'endpoint') {
      const endpoint = def as EndpointDefinition<object, unknown>;
      const requestName = `${id}_request`;
      const replyName = `${id}_reply`;
      messages[requestName] = { name: endpoint.request.name, payload: ref(endpoint.request.name) };
      messages[replyName] = {
        name: `${endpoint.reply.name}Envelope`,
        payload: {
          oneOf: [
            { type: 'object', required: ['ok', 'data'], properties: { ok: { const: true }, data: ref(endpoint.reply.name) } },
            ref('ErrorReply'),
          ],
        },
      };
      channels[id] = {
        address: endpoint.subject,
        messages: {
          request: { $ref: `#/components/messages/${requestName}` },
          reply: { $ref: `#/components/messages/${replyName}` },
        },
      };
      operations[id] = {
        action: 'receive',
        channel: { $ref: `#/channels/${id}` },
        messages: [{ $ref: `#/channels/${id}/messages/request` }],
        summary: endpoint.summary,
        'x-service': endpoint.service,
        'x-queue-group': endpoint.service,
        ...(endpoint.departments ? { 'x-department-address': departmentSubjectOf(endpoint, '{department}') } : {}),
        'x-errors': ['VALIDATION_FAILED', ...endpoint.errors, 'UNAVAILABLE', 'INTERNAL'],
        // NATS replies go to the requester's inbox subject.
        reply: { address: { location: '$message.header#/reply_to' }, channel: { $ref: `#/channels/${id}` }, messages: [{ $ref: `#/channels/${id}/messages/reply` }] },
      };
    } else {
      const event = def as EventDefinition<object>;
      const name = `${id}_event`;
      messages[name] = {
        name: event.payload.name,
        payload: ref(event.payload.name),
        headers: { type: 'object', properties: { 'Gov-Schema': { const: `${event.type}/${event.version}` } } },
      };
      channels[id] = {
        address: channelAddressOf(event),
        messages: { event: { $ref: `#/components/messages/${name}` } },
        ...(event.addressed
          ? {
              parameters: {
                department: {
                  description:
                    'Code of the department the event is for. A department system consumes only its own ' +
                    `(its durable consumer, named after its code, filtered to ${channelAddressOf(event).split('{department}')[0]}{department}.>).`,
                },
              },
            }
          : {}),
      };
      operations[id] = {
        action: 'send',
        channel: { $ref: `#/channels/${id}` },
        messages: [{ $ref: `#/channels/${id}/messages/event` }],
        summary: event.summary,
        'x-service': event.service,
      };
    }
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Gridwork',
      version,
      description:
        'Subjects of the Gridwork platform. Requests are JSON over core NATS (queue group = service); ' +
        'replies are `{ok:true,data}` or `{ok:false,error:{code,message,details}}`. Events are JSON in ' +
        'JetStream stream GOV_<SERVICE> with headers Nats-Msg-Id, Gov-Schema, traceparent, Gov-Correlation-Id.',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages, schemas: sortedSchemas },
  };
}
