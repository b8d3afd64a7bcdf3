import { Global, Inject, Module, type MiddlewareConsumer, type NestModule, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, HttpAdapterHost } from '@nestjs/core';
import cors from 'cors';
import helmet from 'helmet';
import { GATEWAY_CONFIG, gatewayConfig, type GatewayConfig } from '../gateway.config.js';
import { HttpErrorFilter } from './errors.js';
import { onlyKnownBodies } from './media-type.js';
import { DeclaredQueryOnly } from './declared-query.interceptor.js';
import { ContentETag } from './etag.interceptor.js';
import { HttpMetrics } from './http-metrics.middleware.js';

/**
 * The gateway's settings for every feature that injects `GATEWAY_CONFIG`;
 * its error format for every route, also for what fails before a route is
 * reached (a malformed or oversized body); and what every answer carries:
 * requests counted and timed by route and status; an ETag on every JSON answer to a GET (304 while it is unchanged);
 * helmet's security headers (a content security policy that allows only the
 * gateway's own scripts), and CORS for the configured origins only.
 */
@Global()
@Module({
  providers: [
    { provide: GATEWAY_CONFIG, useFactory: () => gatewayConfig() },
    { provide: APP_FILTER, useClass: HttpErrorFilter },
    { provide: APP_INTERCEPTOR, useClass: DeclaredQueryOnly },
    { provide: APP_INTERCEPTOR, useClass: ContentETag },
  ],
  exports: [GATEWAY_CONFIG],
})
export class GatewayHttpModule implements NestModule, OnApplicationBootstrap {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly adapter: HttpAdapterHost,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    const origins = this.config.GATEWAY_CORS_ORIGINS.split(',').map((origin) => origin.trim()).filter(Boolean);
    consumer.apply(HttpMetrics, helmet(), cors({ origin: origins.length > 0 ? origins : false, exposedHeaders: ['ETag', 'Retry-After'], maxAge: 600 }), onlyKnownBodies).forRoutes('*');
  }

  /** Behind a proxy, the client's address (for rate limits and the audit record) is what the trusted proxies say. */
  onApplicationBootstrap(): void {
    const trust = this.config.GATEWAY_TRUST_PROXY.trim();
    if (!trust) return;
    const express = this.adapter.httpAdapter.getInstance() as { set(name: string, value: unknown): void };
    express.set('trust proxy', /^\d+$/.test(trust) ? Number(trust) : trust === 'true' ? true : trust.split(',').map((part) => part.trim()));
  }
}
