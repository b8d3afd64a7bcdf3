import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { gatewayService } from '@gridwork/gateway-service/definition';
import { GATEWAY_ERROR_STATUS, OPERATION_DOC, type OperationDoc } from '@gridwork/gateway-service/api-docs';
import { classSchemas, contractsSourceDir, ref, schemaOfClass, type Schema } from '../schemas/class-schemas.js';

/*
 * The gateway's OpenAPI 3.1 document, built from its controllers: each
 * route's path and method as Nest declares them, what it does from its
 * `@Operation`, and the schemas of its bodies and answers from the same
 * classes that validate them. A route without `@Operation` stops the build.
 */

export interface Route {
  method: string;
  path: string;
  handler: Function;
  doc: OperationDoc;
}

/** Every route of the gateway's features, with its `@Operation`. */
export function gatewayRoutes(): Route[] {
  const routes: Route[] = [];
  for (const feature of gatewayService.features) {
    for (const controller of (Reflect.getMetadata('controllers', feature.module) ?? []) as Function[]) {
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[name] as Function;
        const own = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (name === 'constructor' || typeof handler !== 'function' || own === undefined) continue;
        const doc = Reflect.getMetadata(OPERATION_DOC, handler) as OperationDoc | undefined;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod]!;
        const path = `/${[base, own].map((part) => part.replace(/^\/|\/$/g, '')).filter(Boolean).join('/')}`;
        if (!doc) throw new Error(`${method} ${path} (${controller.name}.${name}) has no @Operation: say what it does`);
        routes.push({ method, path, handler, doc });
      }
    }
  }
  return routes;
}

const ERROR_BODY = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { enum: Object.keys(GATEWAY_ERROR_STATUS) },
    message: { type: 'string', description: 'For people: what was wrong and, where it helps, what to do.' },
    details: {
      type: 'array',
      description: 'VALIDATION_FAILED: each wrong field (`$` is the whole body) with what is wrong with it.',
      items: { type: 'object', required: ['field', 'messages'], properties: { field: { type: 'string' }, messages: { type: 'array', items: { type: 'string' } } } },
    },
  },
};

const EVERY_ROUTE: OperationDoc['errors'] = ['VALIDATION_FAILED', 'RATE_LIMITED', 'UNAVAILABLE', 'INTERNAL'];
/** What every route with a body may answer besides. */
const EVERY_BODY: OperationDoc['errors'] = ['TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'];

function responsesOf(route: Route, reply: Function | undefined, errors: NonNullable<OperationDoc['errors']>): Record<string, unknown> {
  const success = (Reflect.getMetadata(HTTP_CODE_METADATA, route.handler) as number | undefined) ?? (route.method === 'POST' ? 201 : 200);
  const responses: Record<string, unknown> = {
    [success]: reply ? { description: 'Done.', content: { 'application/json': { schema: ref(reply.name) } } } : { description: 'Done; no body.' },
  };
  const codes = [...EVERY_ROUTE!, ...(route.method === 'GET' ? [] : EVERY_BODY!), ...(route.doc.signedIn === false ? [] : (['UNAUTHENTICATED'] as const)), ...errors];
  for (const code of [...new Set(codes)].sort((a, b) => GATEWAY_ERROR_STATUS[a] - GATEWAY_ERROR_STATUS[b])) {
    const status = String(GATEWAY_ERROR_STATUS[code]);
    const entry = (responses[status] ??= { description: '', content: { 'application/json': { schema: ref('Error') } } }) as { description: string };
    entry.description = entry.description ? `${entry.description}, ${code}` : code;
  }
  return responses;
}

/** The query string's fields as parameters (the class's properties; arrays are comma separated). */
function queryParameters(schema: Schema | undefined): unknown[] {
  const required = new Set((schema?.required as string[] | undefined) ?? []);
  return Object.entries(schema?.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: required.has(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property.type === 'array' ? { type: 'string', description: 'comma separated' } : property,
  }));
}

/** Every `$ref` name a value holds. */
const refsIn = (value: unknown): string[] => [...JSON.stringify(value).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);

export function buildOpenApiDocument(version: string): Record<string, unknown> {
  const gatewaySource = resolve(dirname(createRequire(import.meta.url).resolve('@gridwork/gateway-service/definition')), '../src');
  const all: Record<string, Schema> = { ...classSchemas([contractsSourceDir(), gatewaySource]), Error: ERROR_BODY as Schema };
  const paths: Record<string, Record<string, unknown>> = {};

  /** A class's schema less the fields the caller does not send, under a name of its own (numbered when two routes leave out different fields). */
  const without = (type: Function, fields: string[] | undefined, suffix: string): string => {
    const source = (all[type.name] ??= schemaOfClass(all, type));
    const left = Object.keys(source.properties ?? {}).filter((field) => fields?.includes(field));
    if (left.length === 0) return type.name;
    const schema = {
      ...source,
      properties: Object.fromEntries(Object.entries(source.properties ?? {}).filter(([field]) => !fields!.includes(field))),
      required: ((source.required as string[] | undefined) ?? []).filter((field) => !fields!.includes(field)),
    };
    for (let n = 1; ; n++) {
      const name = `${type.name}${suffix}${n > 1 ? n : ''}`;
      if (!all[name] || JSON.stringify(all[name]) === JSON.stringify(schema)) {
        all[name] = schema;
        return name;
      }
    }
  };

  const add = (route: Route, path: string, summary: string, body: Function | undefined, reply: Function | undefined, bodySchemaName?: string) => {
    if (reply) all[reply.name] ??= schemaOfClass(all, reply);
    const parameters = [
      ...[...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      ...(route.doc.query ? queryParameters(all[without(route.doc.query, route.doc.without, 'Query')]) : []),
    ];
    (paths[path] ??= {})[route.method.toLowerCase()] = {
      summary,
      ...(route.doc.who ? { description: `Who may: ${route.doc.who}.` } : {}),
      operationId: `${route.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase())}`,
      tags: [path.split('/')[1]],
      ...(route.doc.signedIn === false ? { security: [] } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: ref(bodySchemaName ?? without(body, route.doc.without, 'Body')) } } } } : {}),
      responses: responsesOf(route, reply, route.doc.errors ?? []),
    };
  };

  for (const route of gatewayRoutes()) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    const commands = route.doc.commands;
    if (!commands) {
      add(route, path, route.doc.summary, route.doc.body, route.doc.reply);
      continue;
    }
    for (const [name, command] of Object.entries(commands.each)) {
      add(route, path.replace(`{${commands.parameter}}`, name), command.summary, command.body, command.reply, without(command.body, command.without, 'Body'));
    }
  }

  // Only the schemas the paths use, and those they use in turn.
  const used = new Set<string>();
  const queue = refsIn(paths);
  while (queue.length) {
    const name = queue.pop()!;
    if (used.has(name)) continue;
    used.add(name);
    queue.push(...refsIn(all[name] ?? {}));
  }
  const schemas = Object.fromEntries([...used].sort().map((name) => [name, all[name] ?? { type: 'object' }]));

  return {
    openapi: '3.1.0',
    info: {
      title: 'Gridwork gateway',
      version,
      description:
        'The HTTP API of the Gridwork platform for people and their apps. Sign in at `/auth/sign-in`, then send ' +
        '`Authorization: Bearer <accessToken>`. Errors answer `{code, message, details}` with the status of the code.',
    },
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    security: [{ bearer: [] }],
  };
}
