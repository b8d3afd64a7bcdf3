import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
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
import { IsPointLatitude, IsPointLongitude } from '../coordinates.js';
import { defineEndpoint, defineEvent } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { AREA_CODE } from '../grid/areas.js';
import { WithinAreas } from '../grid/areas.js';
import { CATEGORY_CODE } from './categories.js';
import { ADMISSION_LEVELS, type AdmissionLevel } from '../admission/common.js';
import { ACTOR_KINDS, Actor, CaseOwner, FLAGS, Responsibility, type ActorKind, type Flag } from './common.js';

/*
 * Cases (事件/诉求) from intake to closure. Every change is a legal
 * transition of the case's state and a line in its timeline; the timeline is
 * never rewritten.
 */

/** How a case came in; `open311` is an outside app (a resident's phone app, a city portal) over Open311 GeoReport v2 at the gateway. */
export const CHANNELS = ['patrol', 'hotline-12345', 'suggestion-box', 'courier-whistle', 'department', 'open311'] as const;
export type Channel = (typeof CHANNELS)[number];

export const CASE_STATES = [
  'reported',
  'accepted',
  'assigned',
  'in-progress',
  'resolved',
  'verified',
  'closed',
  'handed-back',
  'reopened',
  'merged',
  'rejected',
] as const;
export type CaseState = (typeof CASE_STATES)[number];
export const FINAL_STATES: readonly CaseState[] = ['closed', 'merged', 'rejected'];

export const SATISFACTION = ['satisfied', 'basically-satisfied', 'unsatisfied'] as const;
export type Satisfaction = (typeof SATISFACTION)[number];


export class CasePoint {
  @IsPointLongitude() longitude: number;
  @IsPointLatitude() latitude: number;
}

export class Reporter {
  @IsOptional() @IsString() @Length(1, 50) name?: string;
  @IsOptional() @Matches(/^\+?[0-9 -]{5,20}$/, { message: 'phone must be 5-20 digits, spaces or dashes' }) phone?: string;
  /** A grid worker reporting from patrol. */
  @IsOptional() @IsString() @Length(1, 60) workerId?: string;
  /** A courier blowing the whistle (小哥吹哨): their time-bank volunteer id, to earn points. */
  @IsOptional() @IsString() @Length(1, 60) volunteerId?: string;
}

export class Attachment {
  @IsIn(['photo', 'video', 'audio', 'document']) kind: 'photo' | 'video' | 'audio' | 'document';
  /** Where the file is kept (object store name or URL); files never travel in messages. */
  @IsString() @Length(1, 500) ref: string;
  @IsOptional() @IsString() @Length(1, 200) name?: string;
}

export class ReportCaseRequest {
  /** The caller's id for this report: a retry with the same key returns the original case. */
  @IsString() @Length(1, 100) idempotencyKey: string;
  @IsIn(CHANNELS) channel: Channel;
  @Matches(CATEGORY_CODE, { message: 'categoryCode must be a category code' }) categoryCode: string;
  @IsString() @Length(1, 4000) description: string;
  /** Where it is; the grid is found from the point. */
  @IsOptional() @ValidateNested() @Type(() => CasePoint) location?: CasePoint;
  @IsOptional() @IsString() @Length(1, 300) address?: string;
  /** The reporter's grid, used when there is no point (or it lies outside every grid). */
  @IsOptional() @Matches(AREA_CODE, { message: 'gridCode must be an area code' }) gridCode?: string;
  @IsOptional() @ValidateNested() @Type(() => Reporter) reporter?: Reporter;
  @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => Attachment) attachments?: Attachment[];
  @IsOptional() @IsISO8601() occurredAt?: string;
  /**
   * A department pushing a task down names the level it wants it handled at;
   * the category's admission item must be admitted there (else NOT_ADMITTED).
   */
  @IsOptional() @IsIn(ADMISSION_LEVELS) pushDownTo?: AdmissionLevel;
  /**
   * Answers to the category's attributes by their code: text for string,
   * text, number and datetime (ISO 8601) and singlevaluelist (a value's
   * key), a list of keys for multivaluelist. Checked against the category.
   */
  @IsOptional() @IsObject() attributes?: Record<string, string | string[]>;
}

export class Case {
  @IsUUID() id: string;
  /** People-facing number, e.g. `2026112300000123`. */
  @IsString() number: string;
  @IsIn(CASE_STATES) state: CaseState;
  @IsIn(CHANNELS) channel: Channel;
  @IsString() categoryCode: string;
  @IsString() description: string;
  @IsOptional() @ValidateNested() @Type(() => CasePoint) location?: CasePoint;
  @IsOptional() @IsString() address?: string;
  /** The grid it happened in, when known, and the area path from the city down to it. */
  @IsOptional() @IsString() gridCode?: string;
  @IsArray() @IsString({ each: true }) areaPath: string[];
  @IsOptional() @ValidateNested() @Type(() => Reporter) reporter?: Reporter;
  @IsArray() @ValidateNested({ each: true }) @Type(() => Attachment) attachments: Attachment[];
  /** The department that reported it (channel `department`). */
  @IsOptional() @IsString() reportingDepartment?: string;
  /** The report's answers to its category's attributes, checked: numbers as numbers, datetimes as ISO instants, lists as keys. */
  @IsOptional() @IsObject() attributes?: Record<string, string | number | string[]>;
  @IsOptional() @ValidateNested() @Type(() => CaseOwner) owner?: CaseOwner;
  @IsOptional() @IsString() acceptDueAt?: string;
  @IsOptional() @IsString() completeDueAt?: string;
  /** Yellow when a deadline passed, red when the escalated deadline passed too. */
  @IsOptional() @IsIn(FLAGS) flag?: Flag;
  @IsInt() reopenCount: number;
  @IsOptional() @IsIn(SATISFACTION) satisfaction?: Satisfaction;
  @IsOptional() @IsString() duplicateOf?: string;
  @IsString() reportedAt: string;
  @IsString() updatedAt: string;
  @IsOptional() @IsString() closedAt?: string;
  /** Increases with every change. */
  @IsInt() version: number;
}

export class ReportCaseReply {
  @ValidateNested() @Type(() => Case) case: Case;
  /** False when the idempotency key had been seen: this is the original case. */
  @IsBoolean() created: boolean;
}

export class TimelineEntry {
  @IsInt() seq: number;
  @IsString() at: string;
  @IsIn(ACTOR_KINDS) actorKind: ActorKind;
  @IsOptional() @IsString() actorId?: string;
  @IsOptional() @IsString() actorName?: string;
  /** What happened, e.g. `report`, `assign`, `claim`, `remind`, `escalate`, `supervise`. */
  @IsString() action: string;
  @IsOptional() @IsIn(CASE_STATES) fromState?: CaseState;
  @IsOptional() @IsIn(CASE_STATES) toState?: CaseState;
  @IsOptional() @IsString() reason?: string;
  @IsOptional() @IsObject() data?: Record<string, unknown>;
}

export class CaseDetail extends Case {
  @ValidateNested({ each: true }) @Type(() => TimelineEntry) timeline: TimelineEntry[];
}

export class GetCaseRequest {
  /** The case id or its people-facing number. */
  @IsString() @Length(1, 60) idOrNumber: string;
  /** Only if the case lies inside one of these areas (the reader's scope, which the gateway sets); else FORBIDDEN. */
  @WithinAreas() withinAreas?: string[];
}

export class ListCasesRequest {
  /** `dispatcher`: reported, accepted and handed-back cases waiting for a decision. */
  @IsOptional() @IsIn(['dispatcher']) queue?: 'dispatcher';
  @IsOptional() @IsArray() @ArrayMaxSize(11) @IsIn(CASE_STATES, { each: true }) states?: CaseState[];
  /** Cases owned by this department (a department system always sees only its own). */
  @IsOptional() @IsString() ownerDepartment?: string;
  /** Cases owned at a level by this area (e.g. a community's code), or a grid worker's. */
  @IsOptional() @Matches(AREA_CODE, { message: 'ownerAreaCode must be an area code' }) ownerAreaCode?: string;
  @IsOptional() @IsString() ownerWorkerId?: string;
  /** Cases anywhere under this area. */
  @IsOptional() @Matches(AREA_CODE, { message: 'areaCode must be an area code' }) areaCode?: string;
  /** Only cases inside one of these areas (the reader's scope, which the gateway sets), whatever else is asked. */
  @WithinAreas() withinAreas?: string[];
  @IsOptional() @IsIn(FLAGS) flag?: Flag;
  /** Cases of this category and those under it. */
  @IsOptional() @Matches(CATEGORY_CODE, { message: 'categoryCode must be a category code, e.g. environment.garbage' }) categoryCode?: string;
  /** Cases reported at or after this time. */
  @IsOptional() @IsISO8601() reportedFrom?: string;
  /** Cases reported before this time. */
  @IsOptional() @IsISO8601() reportedTo?: string;
  /** Start after this case id (paging, newest first). */
  @IsOptional() @IsUUID() after?: string;
  @IsOptional() @IsInt() @Min(1) @Max(200) limit?: number;
}

export class CasePage {
  @ValidateNested({ each: true }) @Type(() => Case) items: Case[];
  @IsOptional() @IsString() nextAfter?: string;
}

/**
 * Timeline lines of every case written in a time window, oldest first: what
 * a system that mirrors cases (Open311's servicerequestupdates) polls for.
 */
export class ListTimelineRequest {
  /** Lines written at or after this time. */
  @IsISO8601() from: string;
  /** Lines written before this time; now when omitted. */
  @IsOptional() @IsISO8601() to?: string;
  /** Only lines that moved a case to a state (no reminders, escalations or notes). */
  @IsOptional() @IsBoolean() stateChangesOnly?: boolean;
  /** The previous page's `nextAfter`. */
  @IsOptional() @Matches(/^\d{1,17}\.[0-9a-f-]{36}\.\d{1,9}$/, { message: 'after must be a nextAfter this endpoint answered' }) after?: string;
  @IsOptional() @IsInt() @Min(1) @Max(500) limit?: number;
}

/** A timeline line with the case it belongs to and the state the case was in once it was written. */
export class CaseTimelineLine extends TimelineEntry {
  @IsUUID() caseId: string;
  @IsString() caseNumber: string;
  @IsString() categoryCode: string;
  /** The case's state right after this line (the last state any line up to it moved the case to). */
  @IsIn(CASE_STATES) state: CaseState;
}

export class TimelinePage {
  @ValidateNested({ each: true }) @Type(() => CaseTimelineLine) items: CaseTimelineLine[];
  /** Pass as `after` for the next page; absent on the last. */
  @IsOptional() @IsString() nextAfter?: string;
}

/** A change asked of a case; `actor` is required except from a department system, which is known from its subject. */
export class CaseCommand {
  @IsUUID() caseId: string;
  @IsOptional() @ValidateNested() @Type(() => Actor) actor?: Actor;
}

export class AcceptCaseRequest extends CaseCommand {}

export class AssignCaseRequest extends CaseCommand {
  /** The new owner; omitted to route by the rules. For a level, the area is taken from the case's path. */
  @IsOptional() @ValidateNested() @Type(() => Responsibility) to?: Responsibility;
  @IsOptional() @IsString() @Length(1, 500) reason?: string;
}

export class ClaimCaseRequest extends CaseCommand {}

export class ResolveCaseRequest extends CaseCommand {
  @IsString() @Length(1, 2000) resolution: string;
  @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => Attachment) attachments?: Attachment[];
}

export class HandBackCaseRequest extends CaseCommand {
  @IsString() @Length(1, 500) reason: string;
}

export class RejectCaseRequest extends CaseCommand {
  @IsString() @Length(1, 500) reason: string;
}

export class MergeCaseRequest extends CaseCommand {
  /** The case this one duplicates; it must not be merged itself. */
  @IsUUID() duplicateOf: string;
  @IsOptional() @IsString() @Length(1, 500) reason?: string;
}

export class CallbackCaseRequest extends CaseCommand {
  @IsIn(SATISFACTION) satisfaction: Satisfaction;
  @IsOptional() @IsString() @Length(1, 1000) comment?: string;
}

export class CloseCaseRequest extends CaseCommand {}

/**
 * A new case, in brief: where, what and who owns it. No description, contact
 * or attachments — they stay in dispatch (`case.get`), out of every
 * consumer's stream.
 */
export class CaseReported {
  @IsUUID() caseId: string;
  @IsString() number: string;
  @IsIn(CASE_STATES) state: CaseState;
  @IsIn(CHANNELS) channel: Channel;
  @IsString() categoryCode: string;
  @IsOptional() @IsString() gridCode?: string;
  @IsArray() @IsString({ each: true }) areaPath: string[];
  @IsOptional() @ValidateNested() @Type(() => CaseOwner) owner?: CaseOwner;
  @IsOptional() @IsString() reportingDepartment?: string;
  @IsString() reportedAt: string;
}

export class CaseStateChanged {
  @IsUUID() caseId: string;
  @IsString() number: string;
  @IsString() action: string;
  @IsIn(CASE_STATES) from: CaseState;
  @IsIn(CASE_STATES) to: CaseState;
  @IsOptional() @ValidateNested() @Type(() => CaseOwner) owner?: CaseOwner;
  /** The owner before, when this change gave the case to another owner or to nobody. */
  @IsOptional() @ValidateNested() @Type(() => CaseOwner) previousOwner?: CaseOwner;
  @IsOptional() @IsString() gridCode?: string;
  @IsString() categoryCode: string;
  @IsIn(ACTOR_KINDS) actorKind: ActorKind;
  @IsOptional() @IsString() actorId?: string;
  @IsOptional() @IsString() reason?: string;
  @IsString() at: string;
}

export class CaseAssigned {
  @IsUUID() caseId: string;
  @IsString() number: string;
  @IsDefined() @ValidateNested() @Type(() => CaseOwner) owner: CaseOwner;
  @IsString() categoryCode: string;
  @IsOptional() @IsString() gridCode?: string;
  @IsOptional() @IsString() acceptDueAt?: string;
  @IsOptional() @IsString() completeDueAt?: string;
  /** True when the reporter was not satisfied and the case went back to the same owner, with new deadlines (reopened, 重办). */
  @IsOptional() @IsBoolean() reopened?: boolean;
  @IsString() at: string;
}

export class CaseClosed {
  /** The closed case, without the reporter's phone: events carry no personal data that reaches a person (ask `case.get`). */
  @IsDefined() @ValidateNested() @Type(() => Case) case: Case;
  /** Hours from report to closure. */
  @IsInt() hoursToClose: number;
}

const service = 'dispatch';
const aggregate = 'case';
const command = (action: string, summary: string, request: new () => object, departments = false) =>
  defineEndpoint({
    service,
    aggregate,
    action,
    summary,
    request,
    reply: Case,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
    departments,
  });

export const caseSubjects = {
  report: defineEndpoint({
    service,
    aggregate,
    action: 'report',
    summary: 'Unified intake (统一受理): a case from any channel, routed by responsibility; a retry with the same idempotency key returns the original case.',
    request: ReportCaseRequest,
    reply: ReportCaseReply,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.NOT_ADMITTED],
    departments: true,
  }),
  get: defineEndpoint({
    service,
    aggregate,
    action: 'get',
    summary: 'A case with its whole timeline, by id or number.',
    request: GetCaseRequest,
    reply: CaseDetail,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN],
    departments: true,
  }),
  list: defineEndpoint({
    service,
    aggregate,
    action: 'list',
    summary: 'Cases by queue, state, owner or area, newest first; a department system sees only the cases it owns.',
    request: ListCasesRequest,
    reply: CasePage,
    departments: true,
  }),
  timeline: defineEndpoint({
    service,
    aggregate,
    action: 'timeline',
    summary: 'Timeline lines of every case written in a time window, oldest first, paged: for systems that mirror cases and their changes.',
    request: ListTimelineRequest,
    reply: TimelinePage,
  }),
  accept: command('accept', 'The dispatcher accepts a reported case as in scope (受理).', AcceptCaseRequest),
  assign: command('assign', 'Assigns or reassigns a case to a department or level, or by the routing rules.', AssignCaseRequest),
  claim: command('claim', 'The owner signs for an assigned or reopened case (签收) and starts work.', ClaimCaseRequest, true),
  resolve: command('resolve', 'The owner reports the case resolved (办结), with what was done.', ResolveCaseRequest, true),
  handBack: command('hand-back', 'The owner hands a case back (退回) with a reason; it returns to the dispatcher queue.', HandBackCaseRequest, true),
  reject: command('reject', 'The dispatcher rejects a case as not in scope, with the reason: from its queue, or taken from its owner (who is told, `withdrawn`) before it is resolved.', RejectCaseRequest),
  merge: command('merge', 'The dispatcher merges a case into the one it duplicates.', MergeCaseRequest),
  callback: command(
    'callback',
    "Records the reporter's satisfaction (回访); unsatisfied reopens the case once, then sends it to the level above.",
    CallbackCaseRequest,
  ),
  close: command('close', 'Closes a verified case.', CloseCaseRequest),
  reported: defineEvent({ service, aggregate, event: 'reported', summary: 'A new case was taken in.', payload: CaseReported }),
  stateChanged: defineEvent({ service, aggregate, event: 'state-changed', summary: 'A case moved from one state to another.', payload: CaseStateChanged }),
  assigned: defineEvent({ service, aggregate, event: 'assigned', summary: 'A case was given to an owner, with its deadlines.', payload: CaseAssigned }),
  closed: defineEvent({
    service,
    aggregate,
    event: 'closed',
    summary: 'A case closed, with its satisfaction; feeds worker and department assessment and courier points.',
    payload: CaseClosed,
  }),
};

