import { Controller, Delete, Get, HttpCode, Patch, Post, Req, UseGuards, UseInterceptors, type Type } from '@nestjs/common';
import { Audited } from '../audit/audited.interceptor.js';
import { SignedIn } from '../auth/auth.guard.js';
import { Operation } from '../api-docs/operation.js';
import { SIGNED_IN_FIELDS, type ForwardedRoute } from './forwarded-route.js';
import { Forwarder, type Incoming } from './forwarder.service.js';

const METHOD = { GET: Get, POST: Post, PATCH: Patch, DELETE: Delete } as const;

/**
 * A controller of forwarded routes, made from their table: one handler per
 * route, decorated as a hand-written one would be (method and path, sign-in,
 * audit, and the `@Operation` the OpenAPI document reads).
 */
export function forwardingController(name: string, prefix: string, routes: readonly ForwardedRoute[]): Type<unknown> {
  class Forwarding {
    constructor(readonly forwarder: Forwarder) {}
  }
  Object.defineProperty(Forwarding, 'name', { value: name });
  Reflect.defineMetadata('design:paramtypes', [Forwarder], Forwarding);
  routes.forEach((route, i) => {
    const key = `${route.method.toLowerCase()}${i}`;
    Object.defineProperty(Forwarding.prototype, key, {
      value(this: Forwarding, request: Incoming) {
        return this.forwarder.forward(route, request);
      },
      writable: true,
      configurable: true,
    });
    const descriptor = Object.getOwnPropertyDescriptor(Forwarding.prototype, key)!;
    Req()(Forwarding.prototype, key, 0);
    METHOD[route.method](route.path)(Forwarding.prototype, key, descriptor);
    if (route.status) HttpCode(route.status)(Forwarding.prototype, key, descriptor);
    const pathFields = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
    Operation({
      summary: route.endpoint.summary,
      who: whoOf(route),
      ...(route.method === 'GET' ? { query: route.endpoint.request } : { body: route.endpoint.request }),
      reply: route.endpoint.reply,
      without: [...pathFields, ...SIGNED_IN_FIELDS],
      errors: ['FORBIDDEN', ...route.endpoint.errors],
    })(Forwarding.prototype, key, descriptor);
  });
  Controller(prefix)(Forwarding);
  UseGuards(SignedIn)(Forwarding);
  UseInterceptors(Audited)(Forwarding);
  return Forwarding;
}

const whoOf = (route: ForwardedRoute): string =>
  [
    'platform admins',
    ...route.roles.map((role) => (role === 'department-staff' && route.asDepartment ? 'department staff (as their department)' : role.replace('-', ' ') + 's')),
  ].join(', ') + (route.scope ? ', each inside their area' : '');
