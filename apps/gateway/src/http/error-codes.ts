import { HttpStatus } from '@nestjs/common';
import { ErrorCode, GridworkError, type ErrorBody } from '@gridwork/contracts';

/**
 * Errors over HTTP. A service's reply envelope keeps its code, message and
 * details; the code picks the status. The gateway's own refusals use the
 * same body, with codes NATS callers never see: UNAUTHENTICATED (401,
 * no or a bad sign-in), TOO_LARGE (413), UNSUPPORTED_MEDIA_TYPE (415) and
 * RATE_LIMITED (429).
 */
export const HTTP_STATUS_OF: Record<ErrorCode, number> = {
  [ErrorCode.VALIDATION_FAILED]: HttpStatus.BAD_REQUEST,
  [ErrorCode.NOT_FOUND]: HttpStatus.NOT_FOUND,
  [ErrorCode.CONFLICT]: HttpStatus.CONFLICT,
  [ErrorCode.FORBIDDEN]: HttpStatus.FORBIDDEN,
  [ErrorCode.NOT_ADMITTED]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ErrorCode.UNAVAILABLE]: HttpStatus.SERVICE_UNAVAILABLE,
  [ErrorCode.INTERNAL]: HttpStatus.INTERNAL_SERVER_ERROR,
};

export type GatewayErrorCode = ErrorCode | 'UNAUTHENTICATED' | 'TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE' | 'RATE_LIMITED';

/** The status of every code the gateway answers. */
export const GATEWAY_ERROR_STATUS: Record<GatewayErrorCode, number> = {
  ...HTTP_STATUS_OF,
  UNAUTHENTICATED: HttpStatus.UNAUTHORIZED,
  TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
  UNSUPPORTED_MEDIA_TYPE: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  RATE_LIMITED: HttpStatus.TOO_MANY_REQUESTS,
};
export type GatewayErrorBody = Omit<ErrorBody, 'code'> & { code: GatewayErrorCode };

/** No sign-in, a bad or expired token, or a wrong password: 401. */
export class Unauthenticated extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Unauthenticated';
  }
}

/** A refusal as a GridworkError: FORBIDDEN with the reason. */
export const forbidden = (reason: string): GridworkError => new GridworkError(ErrorCode.FORBIDDEN, reason);

