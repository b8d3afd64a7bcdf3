import { createRequire } from 'node:module';
import { ValidationTypes, getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata.js';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import {
  BOUNDARY_SCHEMA,
  ERROR_CODES,
  LATITUDE_SCHEMA,
  LON_LAT_SCHEMA,
  LONGITUDE_SCHEMA,
  RESIDENT_ID_NUMBER_SCHEMA,
  ROUTE_SCHEMA,
  allDefinitions,
  departmentSubjectOf,
  withAddressToken,
  type EndpointDefinition,
  type EventDefinition,
} from '@gridwork/contracts';
import { fieldDoc, readClassDocs, type ClassDocs } from './field-docs.js';

// class-transformer keeps nested-type metadata (@Type) in a storage it does not
// export from its entry point; the schema generator needs it to follow nesting.
const { defaultMetadataStorage } = createRequire(import.meta.url)('class-transformer/cjs/storage.js');

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** JSON Schemas of our own validators (`registerDecorator`), by validator name. */
const CUSTOM_VALIDATOR_SCHEMAS: Record<string, Record<string, unknown>> = {
  isBoundary: BOUNDARY_SCHEMA,
  isPointLongitude: LONGITUDE_SCHEMA,
  isPointLatitude: LATITUDE_SCHEMA,
  isLonLat: LON_LAT_SCHEMA,
  isRoute: ROUTE_SCHEMA,
  isResidentIdNumber: RESIDENT_ID_NUMBER_SCHEMA,
};

type Schema = Record<string, unknown> & { properties?: Record<string, Record<string, unknown>> };

/** A property's schema with a description in front (a `$ref` cannot take siblings in JSON Schema draft 7, so it is wrapped). */
function described(schema: Record<string, unknown>, description: string): Record<string, unknown> {
  if ('$ref' in schema) return { description, allOf: [schema] };
  const own = typeof schema.description === 'string' ? `${description}\n\n${schema.description}` : description;
  return { ...schema, description: own };
}

/** Each class schema with its class's doc comment and each field's, inherited ones included. */
function withDocComments(schemas: Record<string, Schema>, classes: Map<string, ClassDocs>): Record<string, Schema> {
  return Object.fromEntries(
    Object.entries(schemas).map(([name, schema]) => {
      const docs = classes.get(name);
      if (!docs) return [name, schema];
      const properties = Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([field, property]) => {
          const doc = fieldDoc(classes, name, field);
          return [field, doc ? described(property, doc) : property];
        }),
      );
      return [name, { ...(docs.description ? { description: docs.description } : {}), ...schema, ...(schema.properties ? { properties } : {}) }];
    }),
  );
}

/**
 * A property checked by a custom validator: its known schema, or a schema of
 * its declared type. (The library's default would point at a schema named
 * after the type, e.g. `Object`, which does not exist.)
 */
function customValidationSchema(meta: ValidationMetadata): Record<string, unknown> {
  const [constraint] = meta.constraintCls ? getMetadataStorage().getTargetValidatorConstraints(meta.constraintCls) : [];
  const known = constraint?.name ? CUSTOM_VALIDATOR_SCHEMAS[constraint.name] : undefined;
  if (known) return known;
  const type = Reflect.getMetadata('design:type', (meta.target as Function).prototype, meta.propertyName) as unknown;
  if (type === String) return { type: 'string' };
  if (type === Number) return { type: 'number' };
  if (type === Boolean) return { type: 'boolean' };
  if (type === Array) return { type: 'array' };
  return { type: 'object' };
}
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
  const generated = validationMetadatasToSchemas({
    refPointerPrefix: '#/components/schemas/',
    classTransformerMetadataStorage: defaultMetadataStorage,
    additionalConverters: { [ValidationTypes.CUSTOM_VALIDATION]: customValidationSchema },
  }) as Record<string, Schema>;
  const schemas: Record<string, unknown> = {
    ...withDocComments(generated, readClassDocs()),
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
  // A message class without fields (e.g. an empty request) has no validation metadata, hence no generated schema.
  for (const def of definitions) {
    const classes = def.kind === 'endpoint' ? [def.request, def.reply] : [(def as EventDefinition<object>).payload];
    for (const type of classes) schemas[type.name] ??= { type: 'object', properties: {}, additionalProperties: false };
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
