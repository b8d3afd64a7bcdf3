import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { defineEndpoint, defineEvent } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { AREA_CODE, AREA_CODE_OPTIONS } from './areas.js';
import { WithinAreas } from './areas.js';

/*
 * Grid workers (网格员): full-time and part-time workers and grid heads (网格长),
 * assigned to one or several grids over time ("one grid one worker" or "one
 * grid several workers"), with every assignment kept. The staffing report
 * checks the rule of at least 18 community workers per 10,000 urban residents.
 */

export const EMPLOYMENTS = ['full-time', 'part-time'] as const;
export type Employment = (typeof EMPLOYMENTS)[number];

/** `head` is the grid head (网格长); a grid has at most one at a time. */
export const ASSIGNMENT_ROLES = ['worker', 'head'] as const;
export type AssignmentRole = (typeof ASSIGNMENT_ROLES)[number];

export const GENDERS = ['female', 'male'] as const;
export type Gender = (typeof GENDERS)[number];

/** Community workers required per 10,000 urban residents. */
export const WORKERS_PER_10K_RESIDENTS = 18;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar day `YYYY-MM-DD` that exists (2025-02-30 is refused). */
export function IsCalendarDate(): PropertyDecorator {
  return (target, key) => {
    Matches(DAY, { message: `${String(key)} must be a date YYYY-MM-DD` })(target, key);
    IsISO8601({ strict: true }, { message: `${String(key)} must be a real calendar date` })(target, key);
  };
}

const PHONE = /^\+?[0-9][0-9 -]{2,29}$/;

export class WorkerAssignment {
  @IsUUID() id: string;
  @IsUUID() workerId: string;
  @IsString() workerName: string;
  @IsIn(EMPLOYMENTS) employment: Employment;
  @IsString() gridCode: string;
  @IsString() communityCode: string;
  @IsIn(ASSIGNMENT_ROLES) role: AssignmentRole;
  /** First day served. */
  @IsString() startedOn: string;
  /** First day no longer served (the assignment covers `[startedOn, endedOn)`); absent while open. */
  @IsOptional() @IsString() endedOn?: string;
  @IsOptional() @IsString() endReason?: string;
}

/**
 * A worker as events carry them: without the phone number (see "Personal
 * data in events" in the grid contract's index). `worker.get` answers it.
 */
export class WorkerView {
  @IsUUID() id: string;
  @IsString() name: string;
  @IsIn(EMPLOYMENTS) employment: Employment;
  @IsOptional() @IsIn(GENDERS) gender?: Gender;
  @IsOptional() @IsString() birthDate?: string;
  /** The community employing the worker, when known. */
  @IsOptional() @IsString() communityCode?: string;
  @IsString() hiredOn: string;
  /** Set once the worker has left; assignments end that day. */
  @IsOptional() @IsString() leftOn?: string;
  @IsOptional() @IsString() leaveReason?: string;
}

export class WorkerSummary extends WorkerView {
  @IsOptional() @IsString() phone?: string;
}

export class Worker extends WorkerSummary {
  /** Assignments in force today. */
  @ValidateNested({ each: true }) @Type(() => WorkerAssignment) currentAssignments: WorkerAssignment[];
}

export class RegisterWorkerRequest {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when the community lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  @IsString() @Length(1, 50) name: string;
  @IsIn(EMPLOYMENTS) employment: Employment;
  @IsOptional() @Matches(PHONE, { message: 'phone must be 3-30 digits, spaces or dashes, optionally after +' }) phone?: string;
  @IsOptional() @IsIn(GENDERS) gender?: Gender;
  @IsOptional() @IsCalendarDate() birthDate?: string;
  /** Defaults to today. */
  @IsOptional() @IsCalendarDate() hiredOn?: string;
  @IsOptional() @Matches(AREA_CODE, AREA_CODE_OPTIONS) communityCode?: string;
}

export class UpdateWorkerRequest {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when the worker's community lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  @IsUUID() id: string;
  @IsOptional() @IsString() @Length(1, 50) name?: string;
  @IsOptional() @IsIn(EMPLOYMENTS) employment?: Employment;
  /** A phone number, or null to remove it. */
  @IsOptional() @ValidateIf((_, v) => v !== null) @Matches(PHONE, { message: 'phone must be 3-30 digits, spaces or dashes, optionally after +' })
  phone?: string | null;
  @IsOptional() @IsIn(GENDERS) gender?: Gender;
  @IsOptional() @IsCalendarDate() birthDate?: string;
  @IsOptional() @Matches(AREA_CODE, AREA_CODE_OPTIONS) communityCode?: string;
}

export class LeaveWorkerRequest {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when the worker's community lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  @IsUUID() id: string;
  /** First day no longer employed; open assignments end that day. */
  @IsCalendarDate() leftOn: string;
  @IsString() @Length(1, 500) reason: string;
}

export class GetWorkerRequest {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when the worker's community lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  @IsUUID() id: string;
}

export class ListWorkersRequest {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when `areaCode` (which must then be given) lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  /** Workers employed by a community under this area, or assigned today to a grid under it. */
  @IsOptional() @Matches(AREA_CODE, AREA_CODE_OPTIONS) areaCode?: string;
  @IsOptional() @IsIn(EMPLOYMENTS) employment?: Employment;
  @IsOptional() @IsBoolean() includeLeft?: boolean;
  /** Start after this worker id (paging). */
  @IsOptional() @IsUUID() after?: string;
  @IsOptional() @IsInt() @Min(1) @Max(1000) limit?: number;
}

export class WorkerPage {
  @ValidateNested({ each: true }) @Type(() => Worker) items: Worker[];
  @IsOptional() @IsString() nextAfter?: string;
}

export class AssignWorkerRequest {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when the grid lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  @IsUUID() workerId: string;
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) gridCode: string;
  /** Defaults to `worker`. */
  @IsOptional() @IsIn(ASSIGNMENT_ROLES) role?: AssignmentRole;
  /** Defaults to today; may be in the future. */
  @IsOptional() @IsCalendarDate() startedOn?: string;
}

export class EndAssignmentRequest {
  @IsUUID() assignmentId: string;
  /** First day no longer served; on `startedOn` it cancels an assignment that never took effect. */
  @IsCalendarDate() endedOn: string;
  @IsString() @Length(1, 500) reason: string;
}

export class ListAssignmentsRequest {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when the worker's community lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  /** One worker's assignments; give this, `gridCode`, or both. */
  @ValidateIf((o: ListAssignmentsRequest) => o.gridCode === undefined) @IsUUID() workerId?: string;
  @ValidateIf((o: ListAssignmentsRequest) => o.workerId === undefined) @Matches(AREA_CODE, AREA_CODE_OPTIONS) gridCode?: string;
  /** Only those in force on this day; without it the whole history, oldest first. */
  @IsOptional() @IsCalendarDate() on?: string;
  /** The previous page's `nextAfter`. */
  @IsOptional() @IsString() @Length(1, 100) after?: string;
  @IsOptional() @IsInt() @Min(1) @Max(1000) limit?: number;
}

export class AssignmentPage {
  @ValidateNested({ each: true }) @Type(() => WorkerAssignment) items: WorkerAssignment[];
  @IsOptional() @IsString() nextAfter?: string;
}

export class StaffingReportRequest {
  /** A community, or a township, district or city: one row per community under it. */
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) areaCode: string;
  /** Assignments in force on this day; defaults to today. Residents are the grids' current figures. */
  @IsOptional() @IsCalendarDate() on?: string;
  /** Start after this community code (paging). */
  @IsOptional() @IsString() after?: string;
  @IsOptional() @IsInt() @Min(1) @Max(1000) limit?: number;
}

export class CommunityStaffing {
  @IsString() communityCode: string;
  @IsString() communityName: string;
  @IsInt() activeGrids: number;
  /** Sum of the population of the community's active grids. */
  @IsInt() residents: number;
  /** ceil(residents × 18 / 10,000). */
  @IsInt() required: number;
  /** Distinct workers (grid heads included) assigned to any of its active grids on the day. */
  @IsInt() actual: number;
  /** max(required − actual, 0). */
  @IsInt() gap: number;
  /** Active grids with no worker or head assigned on the day. */
  @IsArray() @IsString({ each: true }) gridsWithoutWorker: string[];
  /** Active grids with no grid head on the day. */
  @IsArray() @IsString({ each: true }) gridsWithoutHead: string[];
}

export class StaffingTotals {
  @IsInt() communities: number;
  @IsInt() residents: number;
  @IsInt() required: number;
  @IsInt() actual: number;
  /** Sum of the communities' gaps (a surplus in one does not fill another's gap). */
  @IsInt() gap: number;
  @IsInt() gridsWithoutWorker: number;
}

export class StaffingReport {
  @IsString() areaCode: string;
  @IsString() on: string;
  /** Over every community under the area, not only this page. */
  @ValidateNested() @Type(() => StaffingTotals) totals: StaffingTotals;
  @ValidateNested({ each: true }) @Type(() => CommunityStaffing) items: CommunityStaffing[];
  @IsOptional() @IsString() nextAfter?: string;
}

export class WorkerChanged {
  @IsIn(['registered', 'updated', 'left']) change: 'registered' | 'updated' | 'left';
  /** Without the phone number: an update of only the phone still says `updated`. */
  @IsDefined() @ValidateNested() @Type(() => WorkerView) worker: WorkerView;
}

const service = 'grid';
const aggregate = 'worker';

export const workerSubjects = {
  register: defineEndpoint({
    service,
    aggregate,
    action: 'register',
    summary: 'Registers a full-time or part-time grid worker.',
    request: RegisterWorkerRequest,
    reply: Worker,
    errors: [ErrorCode.NOT_FOUND],
  }),
  update: defineEndpoint({
    service,
    aggregate,
    action: 'update',
    summary: "Changes a worker's name, employment, phone or employing community.",
    request: UpdateWorkerRequest,
    reply: Worker,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT],
  }),
  leave: defineEndpoint({
    service,
    aggregate,
    action: 'leave',
    summary: 'Records that a worker left; their open assignments end that day.',
    request: LeaveWorkerRequest,
    reply: Worker,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT],
  }),
  get: defineEndpoint({
    service,
    aggregate,
    action: 'get',
    summary: 'One worker with the assignments in force today.',
    request: GetWorkerRequest,
    reply: Worker,
    errors: [ErrorCode.NOT_FOUND],
    departments: true,
  }),
  list: defineEndpoint({
    service,
    aggregate,
    action: 'list',
    summary: 'Workers of an area (employed there or assigned to its grids), paged.',
    request: ListWorkersRequest,
    reply: WorkerPage,
    errors: [ErrorCode.NOT_FOUND],
    departments: true,
  }),
  assign: defineEndpoint({
    service,
    aggregate,
    action: 'assign',
    summary: 'Assigns a worker, or a grid head, to an active grid from a day on.',
    request: AssignWorkerRequest,
    reply: WorkerAssignment,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT],
  }),
  endAssignment: defineEndpoint({
    service,
    aggregate,
    action: 'end-assignment',
    summary: 'Ends an assignment on a day; the record is kept.',
    request: EndAssignmentRequest,
    reply: WorkerAssignment,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT],
  }),
  assignments: defineEndpoint({
    service,
    aggregate,
    action: 'assignments',
    summary: "A worker's or a grid's assignments: all of them, or those in force on a day.",
    request: ListAssignmentsRequest,
    reply: AssignmentPage,
    errors: [ErrorCode.NOT_FOUND],
    departments: true,
  }),
  staffingReport: defineEndpoint({
    service,
    aggregate,
    action: 'staffing-report',
    summary: 'Per community: residents, workers required at 18 per 10,000, actual, gap, and grids without a worker.',
    request: StaffingReportRequest,
    reply: StaffingReport,
    errors: [ErrorCode.NOT_FOUND],
    departments: true,
  }),
  changed: defineEvent({
    service,
    aggregate,
    event: 'changed',
    summary: 'A worker was registered, changed or left.',
    payload: WorkerChanged,
  }),
  assigned: defineEvent({
    service,
    aggregate,
    event: 'assigned',
    summary: 'A worker or grid head was assigned to a grid from a day on.',
    payload: WorkerAssignment,
  }),
  assignmentEnded: defineEvent({
    service,
    aggregate,
    event: 'assignment-ended',
    summary: 'An assignment ended (or the worker left); `endedOn` is the first day no longer served.',
    payload: WorkerAssignment,
  }),
};
