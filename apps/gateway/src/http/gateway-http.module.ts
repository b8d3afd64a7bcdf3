import { Global, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GATEWAY_CONFIG, gatewayConfig } from '../gateway.config.js';
import { HttpErrorFilter } from './errors.js';

/**
 * The gateway's settings for every feature that injects `GATEWAY_CONFIG`,
 * and its error format for every route, also for what fails before a route
 * is reached (a malformed or oversized body).
 */
@Global()
@Module({
  providers: [
    { provide: GATEWAY_CONFIG, useFactory: () => gatewayConfig() },
    { provide: APP_FILTER, useClass: HttpErrorFilter },
  ],
  exports: [GATEWAY_CONFIG],
})
export class GatewayHttpModule {}
