import { createParamDecorator, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { SessionsService } from '../sessions/sessions.service.js';
import { Unauthenticated } from '../http/errors.js';
import type { Principal } from './grants.js';

interface AuthedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/** Requires a valid bearer token and puts who it stands for on the request (see `@Acting()`). */
@Injectable()
export class SignedIn implements CanActivate {
  constructor(private readonly sessions: SessionsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header) : null;
    if (!match) throw new Unauthenticated('sign in first: send Authorization: Bearer <access token>');
    request.principal = await this.sessions.principalOf(match[1]!);
    return true;
  }
}

/** The signed-in principal of a route guarded by `SignedIn`. */
export const Acting = createParamDecorator((_: unknown, context: ExecutionContext): Principal => context.switchToHttp().getRequest<AuthedRequest>().principal!);
