import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { defineEndpoint, defineEvent } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { IsCalendarDate } from './workers.js';
import { WithinAreas } from './areas.js';

/*
 * Careers of community and grid workers: the ladder "three posts, eighteen
 * grades" (三岗十八级), promotion along the chain to secretary, assessment
 * (月监测+季评估+年考核) driving the pay grade, training and certificates, and
 * the reserve talent pool (后备人才库) rolled each year (滚动更新、优进劣退).
 */

/** The three posts: 正职 (head), 副职 (deputy), 委员及其他 (committee members and other staff). */
export const POSTS = ['staff', 'deputy', 'head'] as const;
export type Post = (typeof POSTS)[number];

/**
 * The promotion chain, lowest first: 社区网格员 → 社区"两委"委员 →
 * 社区党组织副书记(居委会副主任) → 社区党组织书记(居委会主任). A promotion
 * moves exactly one step up.
 */
export const CAREER_POSITIONS = ['grid-worker', 'committee-member', 'deputy-secretary', 'secretary'] as const;
export type CareerPosition = (typeof CAREER_POSITIONS)[number];

/** The post each position sits on. */
export const POST_OF_POSITION: Record<CareerPosition, Post> = {
  'grid-worker': 'staff',
  'committee-member': 'staff',
  'deputy-secretary': 'deputy',
  secretary: 'head',
};

/** Grades run from 1 (lowest pay) to 18 (highest). */
export const LADDER_GRADES = 18;

/** The usual ranges: head 7–18, deputy 4–15, staff 1–12; changed with `career.set-ladder`. */
export const DEFAULT_LADDER: Record<Post, { lowestGrade: number; highestGrade: number }> = {
  staff: { lowestGrade: 1, highestGrade: 12 },
  deputy: { lowestGrade: 4, highestGrade: 15 },
  head: { lowestGrade: 7, highestGrade: 18 },
};

/** Annual review grades, best first: 优秀, 称职, 基本称职, 不称职. */
export const ANNUAL_GRADES = ['excellent', 'competent', 'basically-competent', 'incompetent'] as const;
export type AnnualGrade = (typeof ANNUAL_GRADES)[number];

/** 月监测, 季评估, 年考核. */
export const ASSESSMENT_KINDS = ['monthly', 'quarterly', 'annual'] as const;
export type AssessmentKind = (typeof ASSESSMENT_KINDS)[number];

export const CERTIFICATE_KINDS = ['social-worker-junior', 'social-worker-intermediate', 'social-worker-senior', 'other'] as const;
export type CertificateKind = (typeof CERTIFICATE_KINDS)[number];

const GRADE = [Min(1), Max(LADDER_GRADES)];
const grade = (): PropertyDecorator => (target, key) => {
  IsInt()(target, key);
  for (const decorator of GRADE) decorator(target, key);
};
const percent = (): PropertyDecorator => (target, key) => {
  IsNumber({ maxDecimalPlaces: 2 })(target, key);
  Min(0)(target, key);
  Max(100)(target, key);
};
const year = (): PropertyDecorator => (target, key) => {
  IsInt()(target, key);
  Min(2000)(target, key);
  Max(2100)(target, key);
};

// ---- Ladder and careers ---------------------------------------------------

export class PostRange {
  @IsIn(POSTS) post: Post;
  @grade() lowestGrade: number;
  @grade() highestGrade: number;
}

export class Ladder {
  /** staff, deputy, head. */
  @ValidateNested({ each: true }) @Type(() => PostRange) posts: PostRange[];
  /** The promotion chain, lowest first. */
  @IsArray() @IsIn(CAREER_POSITIONS, { each: true }) chain: CareerPosition[];
}

export class GetLadderRequest {}

export class SetLadderRequest {
  /**
   * One range per post. Together they must run from grade 1 (staff) to 18
   * (head) without a hole, and neither end may fall from staff to deputy to
   * head, so a promotion never has to lower a grade.
   */
  @IsArray() @ArrayMinSize(3) @ArrayMaxSize(3) @ValidateNested({ each: true }) @Type(() => PostRange) posts: PostRange[];
  @IsString() @Length(1, 500) reason: string;
}

export class CareerStep {
  @IsUUID() id: string;
  /** `graded`: the annual review moved the pay grade. */
  @IsIn(['placed', 'promoted', 'graded']) kind: 'placed' | 'promoted' | 'graded';
  @IsString() on: string;
  @IsOptional() @IsIn(CAREER_POSITIONS) positionBefore?: CareerPosition;
  @IsIn(CAREER_POSITIONS) position: CareerPosition;
  @IsOptional() @IsInt() gradeBefore?: number;
  @IsInt() grade: number;
  @IsString() reason: string;
  /** The annual review behind a `graded` step. */
  @IsOptional() @IsUUID() assessmentId?: string;
}

export class Career {
  @IsUUID() workerId: string;
  @IsString() workerName: string;
  @IsIn(CAREER_POSITIONS) position: CareerPosition;
  @IsIn(POSTS) post: Post;
  @IsInt() grade: number;
  /** Day of the last change of position or grade. */
  @IsString() since: string;
  /** Competent annual reviews counted toward the next grade (two make a step). */
  @IsInt() competentYears: number;
  /** Oldest first. */
  @ValidateNested({ each: true }) @Type(() => CareerStep) history: CareerStep[];
}

export class PlaceCareerRequest {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when the worker's community lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  @IsUUID() workerId: string;
  @IsIn(CAREER_POSITIONS) position: CareerPosition;
  /** Must lie in the position's post range. */
  @grade() grade: number;
  @IsCalendarDate() on: string;
  @IsOptional() @IsString() @Length(1, 500) reason?: string;
}

export class PromoteRequest {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when the worker's community lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  @IsUUID() workerId: string;
  /** The next position up the chain; nothing else is accepted. */
  @IsIn(CAREER_POSITIONS) to: CareerPosition;
  @IsCalendarDate() on: string;
  @IsString() @Length(1, 500) reason: string;
  /**
   * The grade on the new post. By default the current grade raised to the new
   * post's lowest; when given it must lie in the new post's range and not be
   * below the current grade.
   */
  @IsOptional() @grade() grade?: number;
}

export class GetCareerRequest {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when the worker's community lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  @IsUUID() workerId: string;
}

export class CareerChanged {
  @IsUUID() workerId: string;
  @IsString() workerName: string;
  @IsIn(POSTS) post: Post;
  @IsDefined() @ValidateNested() @Type(() => CareerStep) step: CareerStep;
}

export class LadderChanged {
  @IsDefined() @ValidateNested() @Type(() => Ladder) ladder: Ladder;
  @IsString() reason: string;
}

// ---- Assessment ---------------------------------------------------------

export class RecordAssessmentRequest {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when the worker's community lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  @IsUUID() workerId: string;
  @IsIn(ASSESSMENT_KINDS) kind: AssessmentKind;
  /** `YYYY-MM` for monthly monitoring, `YYYY-Qn` for a quarterly evaluation, `YYYY` for the annual review. */
  @Matches(/^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$/, { message: 'period must be YYYY-MM, YYYY-Qn or YYYY' }) period: string;
  /** 0–100. */
  @percent() score: number;
  /** Share of residents surveyed who are satisfied, 0–100; required for the annual review. */
  @IsOptional() @percent() satisfaction?: number;
  @IsOptional() @IsString() @Length(1, 100) assessedBy?: string;
  @IsOptional() @IsString() @Length(1, 2000) remarks?: string;
}

/**
 * What an annual review decided.
 *
 * composite = 0.2 × mean monthly score + 0.3 × mean quarterly score + 0.5 ×
 * annual score, over the parts recorded for the year (a missing part's weight
 * is shared out among the others). With the annual satisfaction S:
 * excellent when composite ≥ 90 and S ≥ 90; competent when ≥ 75 and S ≥ 80;
 * basically competent when ≥ 60 and S ≥ 70; otherwise incompetent.
 *
 * On the ladder: excellent raises the grade one step; competent counts a year
 * and every second one raises a step; basically competent keeps the grade;
 * incompetent lowers it a step and the contract is not renewed. Grades stay
 * within the post's range; anything but competent restarts the count. The new
 * grade applies from 1 January of the following year.
 */
export class AnnualResult {
  @IsNumber() composite: number;
  @IsNumber() satisfaction: number;
  @IsIn(ANNUAL_GRADES) grade: AnnualGrade;
  @IsBoolean() renewContract: boolean;
  /** Pay grade before and after; absent when the worker is not on the ladder. */
  @IsOptional() @IsInt() gradeBefore?: number;
  @IsOptional() @IsInt() gradeAfter?: number;
}

export class Assessment {
  @IsUUID() id: string;
  @IsUUID() workerId: string;
  @IsString() workerName: string;
  @IsIn(ASSESSMENT_KINDS) kind: AssessmentKind;
  @IsString() period: string;
  @IsInt() year: number;
  @IsNumber() score: number;
  @IsOptional() @IsNumber() satisfaction?: number;
  @IsOptional() @IsString() assessedBy?: string;
  @IsOptional() @IsString() remarks?: string;
  @IsString() recordedAt: string;
  @IsOptional() @ValidateNested() @Type(() => AnnualResult) annual?: AnnualResult;
}

export class ListAssessmentsRequest {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when the worker's community lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  @IsUUID() workerId: string;
  @IsOptional() @year() year?: number;
}

export class AssessmentList {
  @IsUUID() workerId: string;
  /** By period, annual reviews after the year's months and quarters. */
  @ValidateNested({ each: true }) @Type(() => Assessment) items: Assessment[];
}

// ---- Training and certificates ------------------------------------------

export class RecordTrainingRequest {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when the worker's community lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  @IsUUID() workerId: string;
  @IsString() @Length(1, 200) course: string;
  @IsOptional() @IsString() @Length(1, 200) provider?: string;
  @IsCalendarDate() startedOn: string;
  @IsOptional() @IsCalendarDate() endedOn?: string;
  @IsNumber({ maxDecimalPlaces: 1 }) @Min(0.5) @Max(2000) hours: number;
  @IsOptional() @IsBoolean() passed?: boolean;
}

export class Training {
  @IsUUID() id: string;
  @IsUUID() workerId: string;
  @IsString() course: string;
  @IsOptional() @IsString() provider?: string;
  @IsString() startedOn: string;
  @IsOptional() @IsString() endedOn?: string;
  @IsNumber() hours: number;
  @IsOptional() @IsBoolean() passed?: boolean;
}

export class RecordCertificateRequest {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when the worker's community lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  @IsUUID() workerId: string;
  /** The social-worker levels (助理社会工作师, 社会工作师, 高级社会工作师) or another qualification. */
  @IsIn(CERTIFICATE_KINDS) kind: CertificateKind;
  /** Required for `other`; defaults to the level's name. */
  @IsOptional() @IsString() @Length(1, 100) name?: string;
  @IsString() @Length(1, 100) number: string;
  @IsCalendarDate() issuedOn: string;
  @IsOptional() @IsCalendarDate() expiresOn?: string;
  @IsOptional() @IsString() @Length(1, 200) issuer?: string;
}

export class Certificate {
  @IsUUID() id: string;
  @IsUUID() workerId: string;
  @IsIn(CERTIFICATE_KINDS) kind: CertificateKind;
  @IsString() name: string;
  @IsString() number: string;
  @IsString() issuedOn: string;
  @IsOptional() @IsString() expiresOn?: string;
  @IsOptional() @IsString() issuer?: string;
}

export class ListTrainingRequest {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when the worker's community lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  @IsUUID() workerId: string;
}

export class TrainingProfile {
  @IsUUID() workerId: string;
  @ValidateNested({ each: true }) @Type(() => Training) trainings: Training[];
  @IsNumber() totalHours: number;
  @ValidateNested({ each: true }) @Type(() => Certificate) certificates: Certificate[];
  /** Certificates not expired today. */
  @IsArray() @IsIn(CERTIFICATE_KINDS, { each: true }) validCertificateKinds: CertificateKind[];
}

// ---- Reserve talent pool ------------------------------------------------

export const POOL_SOURCES = ['carried', 'excellent', 'nominated'] as const;
export type PoolSource = (typeof POOL_SOURCES)[number];

export class NominateRequest {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when the worker's community lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  @IsUUID() workerId: string;
  @year() year: number;
  /** The position the candidate is groomed for; defaults to the next one up. */
  @IsOptional() @IsIn(CAREER_POSITIONS) targetPosition?: CareerPosition;
  @IsString() @Length(1, 500) reason: string;
}

export class ReservePoolMember {
  @IsInt() year: number;
  @IsUUID() workerId: string;
  @IsString() workerName: string;
  /** `carried` from last year's pool, `excellent` added by the roll, `nominated` by hand. */
  @IsIn(POOL_SOURCES) source: PoolSource;
  @IsOptional() @IsIn(CAREER_POSITIONS) position?: CareerPosition;
  @IsOptional() @IsIn(CAREER_POSITIONS) targetPosition?: CareerPosition;
  @IsOptional() @IsIn(ANNUAL_GRADES) lastAnnualGrade?: AnnualGrade;
  @IsString() reason: string;
}

export class RollReservePoolRequest {
  /**
   * The pool of `year` is made from the pool of `year − 1`: members whose
   * annual review for `year − 1` is excellent or competent stay; those below,
   * without a review, gone, or already secretary leave; workers rated
   * excellent for `year − 1` who were not in it join. Members already nominated
   * into `year` stay as they are. A year is rolled once.
   */
  @year() year: number;
}

export class ReservePoolChange {
  @IsUUID() workerId: string;
  @IsString() workerName: string;
  @IsString() reason: string;
  @IsOptional() @IsIn(ANNUAL_GRADES) lastAnnualGrade?: AnnualGrade;
}

export class ReservePoolRoll {
  @IsInt() year: number;
  @IsDefined() @ValidateNested({ each: true }) @Type(() => ReservePoolChange) kept: ReservePoolChange[];
  @IsDefined() @ValidateNested({ each: true }) @Type(() => ReservePoolChange) dropped: ReservePoolChange[];
  @IsDefined() @ValidateNested({ each: true }) @Type(() => ReservePoolChange) added: ReservePoolChange[];
  /** Members of the year's pool after the roll, nominations included. */
  @IsInt() size: number;
}

export class ListReservePoolRequest {
  @year() year: number;
  /** Start after this worker id (paging). */
  @IsOptional() @IsUUID() after?: string;
  @IsOptional() @IsInt() @Min(1) @Max(1000) limit?: number;
}

export class ReservePoolPage {
  @IsInt() year: number;
  @ValidateNested({ each: true }) @Type(() => ReservePoolMember) items: ReservePoolMember[];
  @IsOptional() @IsString() nextAfter?: string;
}

const service = 'grid';

/** Careers (`career.*`); assessment, training and the reserve pool are aggregates of their own below. */
export const careerSubjects = {
  ladder: defineEndpoint({
    service,
    aggregate: 'career',
    action: 'ladder',
    summary: 'The grade range of each of the three posts and the promotion chain.',
    request: GetLadderRequest,
    reply: Ladder,
    departments: true,
  }),
  setLadder: defineEndpoint({
    service,
    aggregate: 'career',
    action: 'set-ladder',
    summary: "Changes the posts' grade ranges; refused while a worker's grade would fall outside their post.",
    request: SetLadderRequest,
    reply: Ladder,
    errors: [ErrorCode.CONFLICT],
  }),
  place: defineEndpoint({
    service,
    aggregate: 'career',
    action: 'place',
    summary: 'Puts a worker on the ladder at a position and grade.',
    request: PlaceCareerRequest,
    reply: Career,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT],
  }),
  promote: defineEndpoint({
    service,
    aggregate: 'career',
    action: 'promote',
    summary: 'Promotes a worker one step up the chain, changing post and grade.',
    request: PromoteRequest,
    reply: Career,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT],
  }),
  get: defineEndpoint({
    service,
    aggregate: 'career',
    action: 'get',
    summary: "A worker's position, post, grade and career history.",
    request: GetCareerRequest,
    reply: Career,
    errors: [ErrorCode.NOT_FOUND],
    departments: true,
  }),
  changed: defineEvent({
    service,
    aggregate: 'career',
    event: 'changed',
    summary: 'A worker was placed on the ladder, promoted, or their grade moved after the annual review.',
    payload: CareerChanged,
  }),
  ladderChanged: defineEvent({
    service,
    aggregate: 'career',
    event: 'ladder-changed',
    summary: "The posts' grade ranges changed.",
    payload: LadderChanged,
  }),
};

/** Assessments (`assessment.*`): monthly monitoring, quarterly evaluations, the annual review. */
export const careerAssessmentSubjects = {
  record: defineEndpoint({
    service,
    aggregate: 'assessment',
    action: 'record',
    summary: 'Records monthly monitoring, a quarterly evaluation or the annual review; the annual review derives the grade and moves the pay grade.',
    request: RecordAssessmentRequest,
    reply: Assessment,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT],
  }),
  list: defineEndpoint({
    service,
    aggregate: 'assessment',
    action: 'list',
    summary: "A worker's assessments, optionally of one year.",
    request: ListAssessmentsRequest,
    reply: AssessmentList,
    errors: [ErrorCode.NOT_FOUND],
    departments: true,
  }),
  recorded: defineEvent({
    service,
    aggregate: 'assessment',
    event: 'recorded',
    summary: 'An assessment was recorded; an annual review carries its grade and pay-grade change.',
    payload: Assessment,
  }),
};

/** Training and certificates (`training.*`). */
export const trainingSubjects = {
  record: defineEndpoint({
    service,
    aggregate: 'training',
    action: 'record',
    summary: 'Records a training course a worker attended.',
    request: RecordTrainingRequest,
    reply: Training,
    errors: [ErrorCode.NOT_FOUND],
  }),
  recordCertificate: defineEndpoint({
    service,
    aggregate: 'training',
    action: 'record-certificate',
    summary: 'Records a qualification certificate, e.g. the intermediate social-worker certificate.',
    request: RecordCertificateRequest,
    reply: Certificate,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT],
  }),
  list: defineEndpoint({
    service,
    aggregate: 'training',
    action: 'list',
    summary: "A worker's training, total hours and certificates.",
    request: ListTrainingRequest,
    reply: TrainingProfile,
    errors: [ErrorCode.NOT_FOUND],
    departments: true,
  }),
  certificateRecorded: defineEvent({
    service,
    aggregate: 'training',
    event: 'certificate-recorded',
    summary: 'A worker gained a qualification certificate.',
    payload: Certificate,
  }),
};

/** The reserve talent pool (`reserve-pool.*`). */
export const reservePoolSubjects = {
  nominate: defineEndpoint({
    service,
    aggregate: 'reserve-pool',
    action: 'nominate',
    summary: "Adds a worker to a year's reserve talent pool.",
    request: NominateRequest,
    reply: ReservePoolMember,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT],
  }),
  roll: defineEndpoint({
    service,
    aggregate: 'reserve-pool',
    action: 'roll',
    summary: "Rolls last year's reserve pool into the year by the annual grades; answers who was kept, dropped and added.",
    request: RollReservePoolRequest,
    reply: ReservePoolRoll,
    errors: [ErrorCode.CONFLICT],
  }),
  list: defineEndpoint({
    service,
    aggregate: 'reserve-pool',
    action: 'list',
    summary: "A year's reserve talent pool, paged.",
    request: ListReservePoolRequest,
    reply: ReservePoolPage,
    departments: true,
  }),
  nominated: defineEvent({
    service,
    aggregate: 'reserve-pool',
    event: 'nominated',
    summary: "A worker was nominated into a year's reserve pool.",
    payload: ReservePoolMember,
  }),
  rolled: defineEvent({
    service,
    aggregate: 'reserve-pool',
    event: 'rolled',
    summary: "A year's reserve pool was rolled: who was kept, dropped and added.",
    payload: ReservePoolRoll,
  }),
};
