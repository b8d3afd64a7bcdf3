import { SetMetadata } from '@nestjs/common';
import type { GatewayErrorCode } from '../http/errors.js';

/**
 * What a route does, for the OpenAPI document (`npm run openapi`): written
 * once beside the route, and the document's generator refuses a route
 * without it, so the document cannot leave one out.
 */
export interface OperationDoc {
  summary: string;
  /** Who may call it, in words (roles and scope). Omitted for routes anyone may call. */
  who?: string;
  /** The JSON body's class, or the class of the query string's fields. */
  body?: Function;
  query?: Function;
  /** The answer's class; omitted when it answers 204 without a body or 304. */
  reply?: Function;
  /** Fields of `body` or `query` that the caller does not send: the path's parameters, and what the sign-in gives. */
  without?: string[];
  /** Error codes beyond those every route may answer (VALIDATION_FAILED, UNAUTHENTICATED, RATE_LIMITED, UNAVAILABLE, INTERNAL). */
  errors?: GatewayErrorCode[];
  /** False for the routes that need no sign-in. */
  signedIn?: boolean;
  /**
   * A route whose last path parameter picks one of several NATS commands
   * (`/dispatch/cases/{caseId}/{action}`): each becomes its own path, with
   * the command's request as its body minus the fields the path and the
   * sign-in fill in.
   */
  commands?: { parameter: string; each: Record<string, { summary: string; body: Function; reply: Function; without: string[] }> };
}

export const OPERATION_DOC = 'gridwork:operation-doc';

export const Operation = (doc: OperationDoc): MethodDecorator => SetMetadata(OPERATION_DOC, doc);
