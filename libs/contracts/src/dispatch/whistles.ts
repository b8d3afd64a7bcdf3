import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { DEPARTMENT_CODE, defineEndpoint, defineEvent } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { HOURS_KINDS, type HoursKind } from './categories.js';
import { Actor, DEPARTMENT_CODE_MESSAGE } from './common.js';

/*
 * Whistle and report-in (吹哨报到): a grid or community that cannot solve a
 * case on its own blows the whistle, naming the departments that must come;
 * each must report in within its deadline. Who reported in, late or on time,
 * and who did not, is recorded on the whistle and in the case's timeline.
 */

/** Most departments one whistle may call. */
export const MAX_WHISTLE_DEPARTMENTS = 20;
export const DEFAULT_REPORT_IN_HOURS = 2;

export const WHISTLE_CALL_STATES = ['waiting', 'reported-in', 'missed', 'reported-in-late'] as const;
export type WhistleCallState = (typeof WHISTLE_CALL_STATES)[number];

export class BlowWhistleRequest {
  @IsUUID() caseId: string;
  /** The grid worker or operator blowing it; the gateway fills this from the person's token. */
  @IsDefined() @IsObject() @ValidateNested() @Type(() => Actor) actor: Actor;
  /** The departments that must report in, by code. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_WHISTLE_DEPARTMENTS)
  @ArrayUnique()
  @Matches(DEPARTMENT_CODE, { each: true, message: `each department ${DEPARTMENT_CODE_MESSAGE}` })
  departments: string[];
  /** Why the grid or community cannot solve it alone. */
  @IsString() @Length(1, 1000) reason: string;
  /** Time each department has to report in (default 2). */
  @IsOptional() @IsInt() @Min(1) @Max(240) reportInHours?: number;
  /** Whether those hours are calendar hours (the default) or working hours of the working calendar. */
  @IsOptional() @IsIn(HOURS_KINDS) hoursKind?: HoursKind;
}

export class WhistleCall {
  @IsString() department: string;
  @IsString() dueAt: string;
  /** `reported-in-late`: it reported in after its deadline had been marked missed. */
  @IsIn(WHISTLE_CALL_STATES) state: WhistleCallState;
  @IsOptional() @IsString() reportedInAt?: string;
  @IsOptional() @IsString() reportedInNote?: string;
  @IsOptional() @IsString() missedAt?: string;
}

export class WhistleBlower {
  @IsIn(['operator', 'worker']) kind: 'operator' | 'worker';
  @IsString() id: string;
  @IsOptional() @IsString() name?: string;
}

export class Whistle {
  @IsUUID() id: string;
  @IsUUID() caseId: string;
  @IsString() caseNumber: string;
  @IsObject() @ValidateNested() @Type(() => WhistleBlower) blownBy: WhistleBlower;
  /** The level that blew it (grid or community) and its area, as the case was owned then. */
  @IsIn(['grid', 'community']) level: 'grid' | 'community';
  @IsString() areaCode: string;
  @IsString() reason: string;
  @IsString() blownAt: string;
  @IsArray() @ValidateNested({ each: true }) @Type(() => WhistleCall) calls: WhistleCall[];
}

export class ReportInRequest {
  /** The whistle answered; or give `caseId` to answer the latest whistle on that case that calls this department. */
  @IsOptional() @IsUUID() whistleId?: string;
  @IsOptional() @IsUUID() caseId?: string;
  /** Who came, what the department will do. */
  @IsString() @Length(1, 1000) note: string;
}

export class ListWhistlesRequest {
  @IsUUID() caseId: string;
}

export class WhistleList {
  /** Oldest first. */
  @ValidateNested({ each: true }) @Type(() => Whistle) items: Whistle[];
}

export class WhistleBlown {
  @IsDefined() @IsObject() @ValidateNested() @Type(() => Whistle) whistle: Whistle;
}

export class WhistleReportedIn {
  @IsUUID() whistleId: string;
  @IsUUID() caseId: string;
  @IsString() caseNumber: string;
  @IsString() department: string;
  @IsString() dueAt: string;
  @IsString() reportedInAt: string;
  @IsString() note: string;
  /** True when it came after its deadline. */
  @IsBoolean() late: boolean;
}

export class WhistleMissed {
  @IsUUID() whistleId: string;
  @IsUUID() caseId: string;
  @IsString() caseNumber: string;
  @IsString() department: string;
  @IsString() dueAt: string;
  @IsString() missedAt: string;
}

const service = 'dispatch';

/** The whistle's commands on a case (`case.blow-whistle`, `case.report-in`), which join the case's catalogue. */
export const whistleCaseSubjects = {
  blowWhistle: defineEndpoint({
    service,
    aggregate: 'case',
    action: 'blow-whistle',
    summary:
      'Whistle (吹哨): the grid or community owning an open case calls departments to report in within a deadline. ' +
      'CONFLICT unless the case is owned at the grid or community level and assigned, in progress or reopened.',
    request: BlowWhistleRequest,
    reply: Whistle,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  reportIn: defineEndpoint({
    service,
    aggregate: 'case',
    action: 'report-in',
    summary:
      'Report-in (报到): a called department answers a whistle, over its own gov.ext.<department> subject. ' +
      'FORBIDDEN for a department that was not called; CONFLICT when it has already reported in.',
    request: ReportInRequest,
    reply: Whistle,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
    departments: true,
  }),
};

/** Whistles (`whistle.*`): the list and the events. */
export const whistleSubjects = {
  list: defineEndpoint({
    service,
    aggregate: 'whistle',
    action: 'list',
    summary: "A case's whistles with who reported in and who missed; a department system sees those of the cases it may read.",
    request: ListWhistlesRequest,
    reply: WhistleList,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN],
    departments: true,
  }),
  blown: defineEvent({ service, aggregate: 'whistle', event: 'blown', summary: 'A whistle was blown on a case, calling departments to report in.', payload: WhistleBlown }),
  reportedIn: defineEvent({
    service,
    aggregate: 'whistle',
    event: 'reported-in',
    summary: 'A called department reported in (late when its deadline had passed).',
    payload: WhistleReportedIn,
  }),
  missed: defineEvent({
    service,
    aggregate: 'whistle',
    event: 'missed',
    summary: 'A called department did not report in by its deadline.',
    payload: WhistleMissed,
  }),
};
