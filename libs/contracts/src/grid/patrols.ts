import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  registerDecorator,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { defineEndpoint, defineEvent } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { AREA_CODE, AREA_CODE_OPTIONS } from './areas.js';
import { LON_LAT_SCHEMA, lonLatProblem, type LonLat } from '../coordinates.js';
import { IsCalendarDate } from './workers.js';
import { WithinAreas } from './areas.js';

/*
 * Daily patrols (日常巡查): a grid worker walks a grid and logs when, where
 * (an optional GPS route), what was found (each finding may point at a
 * base-information record) and whether a case was reported to dispatch.
 * Days are calendar days in China Standard Time.
 */

/** Most points one route may have: a point every 5 s for 7 hours. */
export const MAX_ROUTE_POINTS = 5_000;
export const MAX_FINDINGS = 100;
/** Longest range `patrol.list` takes, in days. */
export const MAX_PATROL_LIST_DAYS = 366;

/** A timestamp with its offset: a time without one would be read in the server's zone. */
const ZONED = /(Z|[+-]\d{2}:\d{2})$/;
const ZONED_MESSAGE = 'must be an ISO 8601 timestamp with Z or an offset, e.g. 2025-06-01T08:30:00+08:00';

/** The JSON Schema of a route, for documents generated from the contracts. */
export const ROUTE_SCHEMA = { type: 'array', minItems: 2, maxItems: MAX_ROUTE_POINTS, items: LON_LAT_SCHEMA };

/** A route: at least 2 positions [longitude, latitude], each in range; names the first few bad ones. */
export function IsRoute(options?: ValidationOptions): PropertyDecorator {
  const problems = (value: unknown): string[] => {
    if (!Array.isArray(value)) return ['must be an array of [longitude, latitude] positions'];
    const out: string[] = [];
    if (value.length < 2) out.push(`has ${value.length} positions; a route needs at least 2`);
    value.forEach((position, i) => {
      const problem = lonLatProblem(position);
      if (problem && out.length < 5) out.push(`position ${i} ${problem}`);
    });
    return out;
  };
  return (target, propertyName) =>
    registerDecorator({
      name: 'isRoute',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => problems(value).length === 0,
        defaultMessage: (args) => `${args?.property} ${problems(args?.value).join('; ')}`,
      },
    });
}

export class PatrolFinding {
  @IsString() @Length(1, 1000) text: string;
  /** The base-information record it concerns (a damaged hydrant, a dispute, a rental flat). */
  @IsOptional() @IsUUID() baseRecordId?: string;
}

export class LogPatrolRequest {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when the grid lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  /** An active grid. */
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) gridCode: string;
  @IsUUID() workerId: string;
  /** The day the patrol started, in China Standard Time. */
  @IsCalendarDate() date: string;
  @IsISO8601({ strict: true }) @Matches(ZONED, { message: `startedAt ${ZONED_MESSAGE}` }) startedAt: string;
  @IsISO8601({ strict: true }) @Matches(ZONED, { message: `endedAt ${ZONED_MESSAGE}` }) endedAt: string;
  /** The GPS track walked, [longitude, latitude] in order. */
  @IsOptional() @ArrayMaxSize(MAX_ROUTE_POINTS) @IsRoute() route?: LonLat[];
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_FINDINGS) @ValidateNested({ each: true }) @Type(() => PatrolFinding) findings?: PatrolFinding[];
  /** A case was reported to dispatch during the patrol. */
  @IsBoolean() caseReported: boolean;
  /** The dispatch case's id or number, when reported. */
  @IsOptional() @IsString() @Length(1, 64) caseReference?: string;
}

export class PatrolSummary {
  @IsUUID() id: string;
  @IsString() gridCode: string;
  @IsUUID() workerId: string;
  @IsString() workerName: string;
  @IsString() date: string;
  @IsString() startedAt: string;
  @IsString() endedAt: string;
  @IsInt() durationMinutes: number;
  /** Positions in the route; 0 without one. */
  @IsInt() routePoints: number;
  /** Length of the route on the ground. */
  @IsOptional() @IsNumber() distanceMetres?: number;
  @IsInt() findingCount: number;
  @IsBoolean() caseReported: boolean;
  @IsOptional() @IsString() caseReference?: string;
  @IsString() loggedAt: string;
}

export class Patrol extends PatrolSummary {
  @ValidateNested({ each: true }) @Type(() => PatrolFinding) findings: PatrolFinding[];
  @IsOptional() @IsArray() route?: LonLat[];
}

export class GetPatrolRequest {
  @IsUUID() id: string;
}

export class ListPatrolsRequest {
  /** A grid (retired ones too), or a worker, or both. */
  @IsOptional() @Matches(AREA_CODE, AREA_CODE_OPTIONS) gridCode?: string;
  @IsOptional() @IsUUID() workerId?: string;
  /** First and last day, inclusive, at most 366 days apart. */
  @IsCalendarDate() from: string;
  @IsCalendarDate() to: string;
  /** Start after this patrol id (paging). */
  @IsOptional() @IsUUID() after?: string;
  @IsOptional() @IsInt() @Min(1) @Max(500) limit?: number;
}

export class PatrolPage {
  /** By start time; routes and findings are in `patrol.get`. */
  @ValidateNested({ each: true }) @Type(() => PatrolSummary) items: PatrolSummary[];
  @IsOptional() @IsString() nextAfter?: string;
}

export class PatrolCoverageRequest {
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) communityCode: string;
  @IsCalendarDate() date: string;
}

export class GridPatrolCoverage {
  @IsString() gridCode: string;
  @IsString() name: string;
  @IsInt() patrols: number;
  /** Distinct workers who patrolled it. */
  @IsInt() workers: number;
  @IsInt() findings: number;
  @IsInt() casesReported: number;
}

export class PatrolCoverage {
  @IsString() communityCode: string;
  @IsString() date: string;
  /**
   * The community's grids that existed on the date, by code, patrolled or
   * not: created before the day ended and not retired before it began (China
   * Standard Time). On the day of a split or merge both the old grid and its
   * replacements are listed; on any other day only one of them.
   */
  @ValidateNested({ each: true }) @Type(() => GridPatrolCoverage) grids: GridPatrolCoverage[];
  @IsInt() patrolledGrids: number;
  /** Codes of the grids nobody patrolled that day. */
  @IsArray() @IsString({ each: true }) notPatrolled: string[];
}

export class PatrolLogged {
  @IsDefined() @ValidateNested() @Type(() => PatrolSummary) patrol: PatrolSummary;
  @IsDefined() @ValidateNested({ each: true }) @Type(() => PatrolFinding) findings: PatrolFinding[];
}

const service = 'grid';
const aggregate = 'patrol';

export const patrolSubjects = {
  log: defineEndpoint({
    service,
    aggregate,
    action: 'log',
    summary:
      "Logs a worker's patrol of an active grid: times, route, findings and any case reported. CONFLICT for overlapping patrols of one worker, " +
      'a patrol before the worker was hired or after they left, or one starting before the grid was created.',
    request: LogPatrolRequest,
    reply: Patrol,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT],
  }),
  get: defineEndpoint({
    service,
    aggregate,
    action: 'get',
    summary: 'One patrol with its route and findings.',
    request: GetPatrolRequest,
    reply: Patrol,
    errors: [ErrorCode.NOT_FOUND],
    departments: true,
  }),
  list: defineEndpoint({
    service,
    aggregate,
    action: 'list',
    summary: "Patrols of a grid or of a worker over a date range, by start time, paged.",
    request: ListPatrolsRequest,
    reply: PatrolPage,
    errors: [ErrorCode.NOT_FOUND],
    departments: true,
  }),
  coverage: defineEndpoint({
    service,
    aggregate,
    action: 'coverage',
    summary: "Which of a community's grids were patrolled on a day, and which were not.",
    request: PatrolCoverageRequest,
    reply: PatrolCoverage,
    errors: [ErrorCode.NOT_FOUND],
    departments: true,
  }),
  logged: defineEvent({
    service,
    aggregate,
    event: 'logged',
    summary: 'A patrol was logged, with its findings (not its route).',
    payload: PatrolLogged,
  }),
};
