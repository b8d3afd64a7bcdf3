import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import { defineEndpoint } from './definitions.js';
import { ErrorCode } from './errors.js';

/*
 * Endpoints every service serves for operators: health, and the dead letters
 * of its consumers (list and replay). They live beside the domain endpoints so
 * an operator's tool uses the same client as a department system.
 */

export class HealthCheckRequest {}

export class DependencyHealth {
  @IsString() name: string;
  @IsIn(['up', 'down']) status: 'up' | 'down';
  @IsOptional() @IsString() error?: string;
}

export class HealthCheckReply {
  @IsString() service: string;
  @IsString() instance: string;
  @IsString() version: string;
  @IsIn(['up', 'down']) status: 'up' | 'down';
  @ValidateNested({ each: true }) @Type(() => DependencyHealth) dependencies: DependencyHealth[];
}

export class ListDeadLettersRequest {
  /** Only dead letters of events from this service's stream, e.g. `grid`. */
  @IsOptional() @IsString() @Matches(/^[a-z][a-z0-9-]*$/) source?: string;
  /** Start after this dead-letter stream sequence (paging). */
  @IsOptional() @IsInt() @Min(0) afterSequence?: number;
  @IsOptional() @IsInt() @Min(1) @Max(500) limit?: number;
}

export class DeadLetter {
  /** Sequence in the service's dead-letter stream: the id to replay. */
  @IsInt() sequence: number;
  /** The service whose event it was. */
  @IsString() source: string;
  /** The durable consumer that gave up on it. */
  @IsString() consumer: string;
  @IsString() subject: string;
  @IsString() eventId: string;
  @IsString() schema: string;
  @IsString() error: string;
  @IsInt() deliveries: number;
  @IsString() failedAt: string;
  @IsObject() payload: Record<string, unknown>;
}

export class ListDeadLettersReply {
  @ValidateNested({ each: true }) @Type(() => DeadLetter) items: DeadLetter[];
  /** Pass as `afterSequence` for the next page; absent on the last page. */
  @IsOptional() @IsInt() nextAfterSequence?: number;
}

export class ReplayDeadLetterRequest {
  @IsInt() @Min(1) sequence: number;
}

export class ReplayDeadLetterReply {
  @IsInt() sequence: number;
  /** `applied`: the handler ran and committed; `duplicate`: the event had already taken effect. */
  @IsIn(['applied', 'duplicate']) outcome: 'applied' | 'duplicate';
}

export function operationsOf(service: string) {
  return {
    health: {
      check: defineEndpoint({
        service,
        aggregate: 'health',
        action: 'check',
        summary: `Health of the ${service} service instance that answers: PostgreSQL and NATS.`,
        request: HealthCheckRequest,
        reply: HealthCheckReply,
      }),
    },
    deadLetter: {
      list: defineEndpoint({
        service,
        aggregate: 'dead-letter',
        action: 'list',
        summary: `Events the ${service} service's consumers gave up on, oldest first, with the error and delivery count.`,
        request: ListDeadLettersRequest,
        reply: ListDeadLettersReply,
      }),
      replay: defineEndpoint({
        service,
        aggregate: 'dead-letter',
        action: 'replay',
        summary: `Runs a dead letter through its consumer again (after a fix); on success it leaves the dead-letter stream.`,
        request: ReplayDeadLetterRequest,
        reply: ReplayDeadLetterReply,
        errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT],
      }),
    },
  };
}
