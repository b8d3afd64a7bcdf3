import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule, ThrottlerStorage } from '@nestjs/throttler';
import type { Feature } from '@gridwork/runtime';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';
import { CreateRateLimits1765100000400 } from './1765100000400-create-rate-limits.js';
import { GatewayThrottler, keyOf, notSigningIn, tokenTracker, withoutToken } from './gateway-throttler.guard.js';
import { PostgresThrottlerStorage } from './postgres-throttler.storage.js';

const MINUTE = 60_000;

/**
 * Rate limits on every route but health and metrics, counted in the
 * gateway's database so they hold across replicas: per client address, and
 * per access token, each over all routes together; and sign-in attempts per
 * address, a tighter limit against guessing many accounts' passwords from
 * one place.
 * Over a limit: 429 RATE_LIMITED with Retry-After.
 */
/** The storage alone, for the throttler's factory to inject. */
@Module({ providers: [PostgresThrottlerStorage], exports: [PostgresThrottlerStorage] })
class RateLimitStorageModule {}

@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [RateLimitStorageModule],
      inject: [GATEWAY_CONFIG, PostgresThrottlerStorage],
      useFactory: (config: GatewayConfig, storage: ThrottlerStorage) => ({
        throttlers: [
          { name: 'address', ttl: MINUTE, limit: config.GATEWAY_RATE_LIMIT_PER_ADDRESS },
          { name: 'token', ttl: MINUTE, limit: config.GATEWAY_RATE_LIMIT_PER_TOKEN, getTracker: tokenTracker, skipIf: withoutToken },
          { name: 'signIn', ttl: MINUTE, limit: config.GATEWAY_SIGN_IN_PER_ADDRESS, skipIf: notSigningIn },
        ],
        generateKey: keyOf,
        storage,
        errorMessage: 'too many requests: wait and try again (see Retry-After)',
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: GatewayThrottler }],
})
export class RateLimitsModule {}

export const rateLimitsFeature: Feature = { module: RateLimitsModule, migrations: [CreateRateLimits1765100000400] };
