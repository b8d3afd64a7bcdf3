import { createHash } from 'node:crypto';
import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';

interface Incoming {
  path?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Health and metrics are for the platform's own probes and Prometheus: never limited. */
const UNLIMITED = /^\/(health\/|metrics$)/;

@Injectable()
export class GatewayThrottler extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return UNLIMITED.test(context.switchToHttp().getRequest<Incoming>().path ?? '');
  }

  /** The standard Retry-After too (the library names it after the limit, `Retry-After-signIn`, for all but its default one). */
  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    context.switchToHttp().getResponse<{ setHeader(name: string, value: string): void }>().setHeader('Retry-After', String(Math.max(1, detail.timeToBlockExpire)));
    return super.throwThrottlingException(context, detail);
  }
}

/** The `token` limit counts per bearer token (by its hash: the token itself is never stored). */
export const bearerOf = (request: Incoming): string | undefined => {
  const header = request.headers.authorization;
  return typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
};

export const tokenTracker = (request: Record<string, unknown>): string =>
  createHash('sha256').update(bearerOf(request as unknown as Incoming) ?? '').digest('base64url');

export const withoutToken = (context: ExecutionContext): boolean => bearerOf(context.switchToHttp().getRequest<Incoming>()) === undefined;

/** The `signIn` limit counts only sign-in attempts, by password or by an OpenID Connect token. */
const SIGN_IN = new Set(['/auth/sign-in', '/auth/oidc']);
export const notSigningIn = (context: ExecutionContext): boolean => {
  const request = context.switchToHttp().getRequest<Incoming & { method?: string }>();
  return !(request.method === 'POST' && SIGN_IN.has(request.path ?? ''));
};

/** One count per limit and client, over all routes (Nest's default key would count each route apart). */
export const keyOf = (_context: ExecutionContext, tracker: string, throttler: string): string => `${throttler}:${tracker}`;
