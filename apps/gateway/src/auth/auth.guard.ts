import { createParamDecorator, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AuditService, type AuditedRequest } from '../audit/audit.service.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { Unauthenticated } from '../http/errors.js';
import type { Principal } from './grants.js';

interface AuthedRequest extends AuditedRequest {
  principal?: Principal;
}

/**
 * Requires a valid bearer token and puts who it stands for on the request
 * (see `@Acting()`). A write it refuses (no token, a forged, expired or
 * revoked one) is in the audit record too: the `Audited` interceptor runs
 * only after the guards let a request through.
 */
@Injectable()
export class SignedIn implements CanActivate {
  constructor(
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    try {
      request.principal = await this.sessions.principalOf(bearerTokenOf(request));
      return true;
    } catch (error) {
      if (error instanceof Unauthenticated && request.method !== 'GET' && request.method !== 'HEAD') await this.audit.recordRequest(request, 401);
      throw error;
    }
  }
}

function bearerTokenOf(request: AuthedRequest): string {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header) : null;
  if (!match) throw new Unauthenticated('sign in first: send Authorization: Bearer <access token>');
  return match[1]!;
}

/** The signed-in principal of a route guarded by `SignedIn`. */
export const Acting = createParamDecorator((_: unknown, context: ExecutionContext): Principal => context.switchToHttp().getRequest<AuthedRequest>().principal!);
