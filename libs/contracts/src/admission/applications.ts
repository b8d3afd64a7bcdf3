import { Type } from 'class-transformer';
import {
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
  ValidateNested,
} from 'class-validator';
import { DEPARTMENT_CODE, defineEndpoint, defineEvent } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { AREA_CODE, AREA_CODE_OPTIONS } from '../grid/areas.js';
import { ADMISSION_LEVELS, AdmissionActor, ITEM_CODE, ITEM_CODE_OPTIONS, type AdmissionLevel } from './common.js';
import { WithinAreas } from '../grid/areas.js';

/*
 * Applications (准入申请): a department asks for an item to be admitted at a
 * level in an area, saying why and what people and money come with it
 * (人随事转、费随事转). Reviewers of that area or above decide:
 *
 *   submitted → under-review → approved | refused
 *                          ↘ returned → resubmitted → under-review …
 *
 * Approval puts the item on the draft of the area's admitted list for that
 * level; the list still has to be published. Reviewers are appointed per area.
 */

export const APPLICATION_STATES = ['submitted', 'under-review', 'returned', 'resubmitted', 'approved', 'refused'] as const;
export type ApplicationState = (typeof APPLICATION_STATES)[number];
export const FUNDED_BY = ['applying-department', 'city-finance', 'district-finance', 'township-finance', 'none'] as const;
export type FundedBy = (typeof FUNDED_BY)[number];
export const APPLICATION_ACTIONS = ['submit', 'start-review', 'return', 'resubmit', 'approve', 'refuse'] as const;
export type ApplicationAction = (typeof APPLICATION_ACTIONS)[number];

const DEPARTMENT_MESSAGE = { message: 'department must be a department code: 2-40 lower-case letters, digits or dashes, starting with a letter' };

/** What comes with the task (人随事转、费随事转). */
export class Resources {
  /** People transferred with the task, full-time equivalents. */
  @IsInt() @Min(0) @Max(100_000) headCount: number;
  /** Money a year that comes with it, in yuan. */
  @IsInt() @Min(0) @Max(10_000_000_000) annualBudgetYuan: number;
  @IsIn(FUNDED_BY) fundedBy: FundedBy;
}

export class SubmitApplicationRequest {
  @Matches(ITEM_CODE, ITEM_CODE_OPTIONS) itemCode: string;
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) areaCode: string;
  @IsIn(ADMISSION_LEVELS) level: AdmissionLevel;
  /** Why the task must be done there. */
  @IsString() @Length(10, 4000) reason: string;
  @IsDefined() @ValidateNested() @Type(() => Resources) resources: Resources;
  /**
   * The applying department. A department system's own subject names it and
   * this is then left out; the office entering a paper application gives it.
   */
  @IsOptional() @Matches(DEPARTMENT_CODE, DEPARTMENT_MESSAGE) department?: string;
  /** Who files it at the department. */
  @IsDefined() @ValidateNested() @Type(() => AdmissionActor) actor: AdmissionActor;
}

export class ReviewApplicationRequest {
  @IsUUID() id: string;
  /** The appointed reviewer deciding; of the application's area or one above it. */
  @IsString() @Length(1, 100) reviewerId: string;
}

export class DecideApplicationRequest extends ReviewApplicationRequest {
  /** Why: recorded with the decision and told to the department. */
  @IsString() @Length(2, 2000) reason: string;
}

export class ResubmitApplicationRequest {
  @IsUUID() id: string;
  /** What was changed in answer to the reviewer. */
  @IsString() @Length(2, 2000) reason: string;
  @IsOptional() @ValidateNested() @Type(() => Resources) resources?: Resources;
  @IsDefined() @ValidateNested() @Type(() => AdmissionActor) actor: AdmissionActor;
}

export class GetApplicationRequest {
  @IsUUID() id: string;
}

export class ListApplicationsRequest {
  /** Applications for this area and the areas below it. */
  @IsOptional() @Matches(AREA_CODE, AREA_CODE_OPTIONS) areaCode?: string;
  @IsOptional() @IsIn(APPLICATION_STATES) state?: ApplicationState;
  @IsOptional() @Matches(DEPARTMENT_CODE, DEPARTMENT_MESSAGE) department?: string;
  /** Start after this application id (paging, oldest first). */
  @IsOptional() @IsUUID() after?: string;
  @IsOptional() @IsInt() @Min(1) @Max(500) limit?: number;
}

export class ApplicationDecision {
  @IsIn(APPLICATION_ACTIONS) action: ApplicationAction;
  @IsIn(APPLICATION_STATES) state: ApplicationState;
  @IsString() by: string;
  @IsOptional() @IsString() byName?: string;
  @IsString() reason: string;
  @IsISO8601() at: string;
}

export class Application {
  @IsUUID() id: string;
  @IsString() itemCode: string;
  @IsString() itemName: string;
  @IsString() areaCode: string;
  @IsIn(ADMISSION_LEVELS) level: AdmissionLevel;
  @IsString() department: string;
  @IsString() reason: string;
  @ValidateNested() @Type(() => Resources) resources: Resources;
  @IsIn(APPLICATION_STATES) state: ApplicationState;
  /** How many times it has been submitted (1, then one more per resubmission). */
  @IsInt() round: number;
  @IsISO8601() submittedAt: string;
  @IsOptional() @IsISO8601() decidedAt?: string;
  /** Every step, oldest first. */
  @ValidateNested({ each: true }) @Type(() => ApplicationDecision) history: ApplicationDecision[];
}

export class ApplicationPage {
  @ValidateNested({ each: true }) @Type(() => Application) items: Application[];
  @IsOptional() @IsString() nextAfter?: string;
}

export class ApplicationDecided {
  @IsDefined() @ValidateNested() @Type(() => Application) application: Application;
  @IsDefined() @ValidateNested() @Type(() => ApplicationDecision) decision: ApplicationDecision;
}

export class AppointReviewerRequest {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when the reviewer's area lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  /** The person's id in the people directory (the gateway's account id). */
  @IsString() @Length(1, 100) id: string;
  @IsString() @Length(1, 100) name: string;
  /** The area whose applications, and those of the areas below it, they may decide. */
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) areaCode: string;
  @IsDefined() @ValidateNested() @Type(() => AdmissionActor) actor: AdmissionActor;
}

export class Reviewer {
  @IsString() id: string;
  @IsString() name: string;
  @IsString() areaCode: string;
  @IsISO8601() appointedAt: string;
}

export class ListReviewersRequest {
  @IsOptional() @Matches(AREA_CODE, AREA_CODE_OPTIONS) areaCode?: string;
}

export class ReviewerList {
  @ValidateNested({ each: true }) @Type(() => Reviewer) items: Reviewer[];
}

export class RemoveReviewerRequest {
  @IsString() @Length(1, 100) id: string;
  @IsDefined() @ValidateNested() @Type(() => AdmissionActor) actor: AdmissionActor;
}

const endpoint = <Request extends object, Reply>(action: string, summary: string, request: new () => Request, reply: new () => Reply & object, errors: ErrorCode[], departments = false) =>
  defineEndpoint({ service: 'admission', aggregate: 'application', action, summary, request, reply, errors, departments });

export const admissionApplicationSubjects = {
  submit: endpoint(
    'submit',
    'A department applies for an item to be admitted at a level in an area, with the people and money that come with it.',
    SubmitApplicationRequest,
    Application,
    [ErrorCode.NOT_FOUND, ErrorCode.NOT_ADMITTED, ErrorCode.CONFLICT],
    true,
  ),
  startReview: endpoint('start-review', 'A reviewer of the area takes a submitted or resubmitted application up.', ReviewApplicationRequest, Application, [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN, ErrorCode.CONFLICT]),
  return: endpoint('return', 'The reviewer returns it to the department for changes, saying what.', DecideApplicationRequest, Application, [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN, ErrorCode.CONFLICT]),
  resubmit: endpoint('resubmit', 'The department sends a returned application back, changed.', ResubmitApplicationRequest, Application, [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN, ErrorCode.CONFLICT], true),
  approve: endpoint(
    'approve',
    "The reviewer approves: the item goes on the draft of the area's admitted list for the level.",
    DecideApplicationRequest,
    Application,
    [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN, ErrorCode.CONFLICT],
  ),
  refuse: endpoint('refuse', 'The reviewer refuses, saying why.', DecideApplicationRequest, Application, [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN, ErrorCode.CONFLICT]),
  get: endpoint('get', 'One application with its history.', GetApplicationRequest, Application, [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN], true),
  list: endpoint('list', "Applications of an area's subtree, by state and department; a department sees its own.", ListApplicationsRequest, ApplicationPage, [], true),
  decided: defineEvent({
    service: 'admission',
    aggregate: 'application',
    event: 'decided',
    summary: 'A reviewer approved, refused or returned an application.',
    payload: ApplicationDecided,
  }),
};

export const admissionReviewerSubjects = {
  appoint: defineEndpoint({
    service: 'admission',
    aggregate: 'reviewer',
    action: 'appoint',
    summary: "Appoint a reviewer for an area's applications (and those below it), or move one to another area.",
    request: AppointReviewerRequest,
    reply: Reviewer,
    errors: [ErrorCode.NOT_FOUND],
  }),
  list: defineEndpoint({
    service: 'admission',
    aggregate: 'reviewer',
    action: 'list',
    summary: 'Reviewers, of one area or all.',
    request: ListReviewersRequest,
    reply: ReviewerList,
  }),
  remove: defineEndpoint({
    service: 'admission',
    aggregate: 'reviewer',
    action: 'remove',
    summary: 'End a reviewer appointment; decisions they made stay recorded.',
    request: RemoveReviewerRequest,
    reply: Reviewer,
    errors: [ErrorCode.NOT_FOUND],
  }),
};

