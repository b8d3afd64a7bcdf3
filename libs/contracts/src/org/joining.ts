import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
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
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { defineEndpoint } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { IsCalendarDate } from '../grid/workers.js';
import { OrgActor, OrgViewer } from './common.js';
import { ID_CARD_NUMBER, MEMBER_NUMBER, ReencryptRequest, ReencryptResult } from './members.js';

/*
 * Joining the party (发展党员): from the application (入党申请) through
 * activist (入党积极分子), development candidate (发展对象), the development
 * plan (列入发展计划) to admission as a probationary member (预备党员); the
 * conversion to full member is the member's (member.convert). Each step is a
 * decision in the approval record; the rules' intervals are checked.
 */

/** The stages in order; `stopped` ends the pipeline (refused at a step). */
export const JOINING_STAGES = ['applicant', 'activist', 'candidate', 'planned', 'admitted', 'stopped'] as const;
export type JoiningStage = (typeof JOINING_STAGES)[number];
/** The steps one may advance to. */
export const JOINING_STEPS = ['activist', 'candidate', 'planned', 'admitted'] as const;
export type JoiningStep = (typeof JOINING_STEPS)[number];

/** The rules' minimums: a year as activist before becoming a candidate; 24 class hours (3 days) of training before admission. */
export const ACTIVIST_MONTHS_BEFORE_CANDIDATE = 12;
export const TRAINING_MINUTES_BEFORE_ADMISSION = 24 * 60;
export const MINIMUM_AGE = 18;

export class ApplyRequest {
  @IsString() @Length(1, 60) name: string;
  @Matches(ID_CARD_NUMBER, { message: 'idNumber must be an identity card number: 17 digits and a digit or X' }) idNumber: string;
  /** The branch (or general branch, committee) the application is made to. */
  @IsUUID() organizationId: string;
  @IsCalendarDate() appliedOn: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => OrgActor) actor: OrgActor;
}

export class AdvanceRequest {
  @IsUUID() id: string;
  /** The step decided on: the next stage after the applicant's current one. */
  @IsIn(JOINING_STEPS) to: JoiningStep;
  /** pass: the applicant reaches `to`; return: stays where they are (sent back, reason given); refuse: the pipeline stops. */
  @IsIn(['pass', 'return', 'refuse']) decision: 'pass' | 'return' | 'refuse';
  @IsCalendarDate() on: string;
  @IsString() @Length(1, 500) reason: string;
  /** `to` candidate, passed: the two sponsors (入党介绍人), full members. */
  @ValidateIf((o: AdvanceRequest) => (o.to === 'candidate' && o.decision === 'pass') || o.sponsorIds !== undefined)
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(2)
  @IsUUID('all', { each: true })
  sponsorIds?: string[];
  /**
   * Who decides. Admission takes two: `branch`, the branch assembly's
   * resolution (支部大会讨论通过), then `higher-committee`, the approval of a
   * committee above (上级党委审批), which admits. Every other step: `branch`
   * (the default).
   */
  @IsOptional() @IsIn(['branch', 'higher-committee']) by?: 'branch' | 'higher-committee';
  /** by `higher-committee`: the approving committee, above the applicant's organization. */
  @ValidateIf((o: AdvanceRequest) => o.by === 'higher-committee' || o.committeeId !== undefined) @IsUUID() committeeId?: string;
  /** `to` admitted by the higher committee, passed: the member number the new probationary member is given. */
  @ValidateIf((o: AdvanceRequest) => (o.to === 'admitted' && o.decision === 'pass' && o.by === 'higher-committee') || o.memberNumber !== undefined)
  @Matches(MEMBER_NUMBER, { message: 'memberNumber must be 1-40 letters, digits or dashes' })
  memberNumber?: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => OrgActor) actor: OrgActor;
}

export class TrainingRequest {
  @IsUUID() id: string;
  @IsCalendarDate() on: string;
  /** Class time in minutes (integer). */
  @IsInt() @Min(1) @Max(24 * 60) minutes: number;
  @IsString() @Length(1, 200) topic: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => OrgActor) actor: OrgActor;
}

export class TrainingSession {
  @IsString() on: string;
  @IsInt() minutes: number;
  @IsString() topic: string;
}

export class Applicant {
  @IsUUID() id: string;
  @IsString() name: string;
  /** Masked unless the viewer may see personal data. */
  @IsString() idNumber: string;
  @IsUUID() organizationId: string;
  @IsIn(JOINING_STAGES) stage: JoiningStage;
  @IsString() appliedOn: string;
  @IsOptional() @IsString() activistOn?: string;
  @IsOptional() @IsString() candidateOn?: string;
  @IsOptional() @IsString() plannedOn?: string;
  /** The branch assembly resolved to admit them; the higher committee's approval is awaited. */
  @IsOptional() @IsString() admissionResolvedOn?: string;
  /** Admitted: the day of the branch assembly's resolution, when probation began (the higher committee approved later). */
  @IsOptional() @IsString() admittedOn?: string;
  @IsOptional() @IsString() stoppedOn?: string;
  @IsArray() @IsUUID('all', { each: true }) sponsorIds: string[];
  @ValidateNested({ each: true }) @Type(() => TrainingSession) training: TrainingSession[];
  /** Minutes of training since becoming a candidate. */
  @IsInt() candidateTrainingMinutes: number;
  /** Admitted: the member they became. */
  @IsOptional() @IsUUID() memberId?: string;
}

export class ApplicantRequest {
  @IsUUID() id: string;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => OrgViewer) viewer?: OrgViewer;
}

export class DueRequest {
  /** This organization and every one below it. */
  @IsUUID() organizationId: string;
  /** The day to judge on (default today, China time). */
  @IsOptional() @IsCalendarDate() on?: string;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => OrgViewer) viewer?: OrgViewer;
}

export class DueItem {
  @IsIn(['applicant', 'member']) kind: 'applicant' | 'member';
  @IsUUID() id: string;
  @IsString() name: string;
  @IsUUID() organizationId: string;
  /** What comes next: `activist`, `candidate`, `planned`, `admitted` (the branch assembly's resolution), `approval` (the higher committee's), `conversion` (the branch assembly's), `conversion-approval` (the higher committee's). */
  @IsString() next: string;
  /** The first day the rules allow it. */
  @IsString() from: string;
  /** It may be done on the day asked about. */
  @IsIn(['due', 'waiting']) state: 'due' | 'waiting';
  /** What stands in the way, when waiting. */
  @IsOptional() @IsString() waitingFor?: string;
}

export class DueList {
  @ValidateNested({ each: true }) @Type(() => DueItem) items: DueItem[];
}

const service = 'org';
const aggregate = 'joining';

export const orgJoiningSubjects = {
  apply: defineEndpoint({
    service,
    aggregate,
    action: 'apply',
    summary: 'Records an application to join the party (入党申请), made to an organization.',
    request: ApplyRequest,
    reply: Applicant,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  advance: defineEndpoint({
    service,
    aggregate,
    action: 'advance',
    summary: "A decision on an applicant's next step (activist, candidate, plan, admission), checked against the rules' intervals; admission makes them a probationary member.",
    request: AdvanceRequest,
    reply: Applicant,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  train: defineEndpoint({
    service,
    aggregate,
    action: 'train',
    summary: "Records a candidate's or activist's training session (minutes, topic).",
    request: TrainingRequest,
    reply: Applicant,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  get: defineEndpoint({ service, aggregate, action: 'get', summary: 'One applicant with their stages, sponsors and training.', request: ApplicantRequest, reply: Applicant, errors: [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN] }),
  reencrypt: defineEndpoint({
    service,
    aggregate,
    action: 'reencrypt',
    summary: "Moves a batch of applicants' ID numbers from older keys to the current one (key rotation, beside member.reencrypt).",
    request: ReencryptRequest,
    reply: ReencryptResult,
  }),
  due: defineEndpoint({
    service,
    aggregate,
    action: 'due',
    summary: "What is due next in an organization's subtree: each applicant's next step and conversions of probationary members, with the first day the rules allow.",
    request: DueRequest,
    reply: DueList,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN],
  }),
};
