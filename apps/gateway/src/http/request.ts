import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

interface Incoming {
  ip?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Where a request came from, for the sign-in record and the audit trail. */
export interface Origin {
  address?: string;
  userAgent?: string;
}

export const originOf = (request: Incoming): Origin => ({
  address: request.ip,
  userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : undefined,
});

export const FromWhere = createParamDecorator((_: unknown, context: ExecutionContext): Origin => originOf(context.switchToHttp().getRequest<Incoming>()));
