import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsDefined, IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { defineEndpoint } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { AREA_CODE, AREA_CODE_OPTIONS } from '../grid/areas.js';
import { TimebankActor } from './common.js';
import { TAG } from './volunteers.js';

/*
 * Service activities (志愿服务活动): a community, team or organization posts
 * one (time, place, places, skills wanted); volunteers sign up (a waiting
 * list when it is full, promoted in order when someone cancels), check in
 * and out; the organizer verifies the hours (or corrects them) or records a
 * no-show. Verified minutes are deposited, once, from the community's time
 * pool to the volunteer's time account, and announced (hours verified, in
 * hours.ts).
 */

export const ORGANIZER_KINDS = ['community', 'team', 'organization'] as const;
export type OrganizerKind = (typeof ORGANIZER_KINDS)[number];

/**
 * `signed-up` holds a place; `waiting` is on the list; then `checked-in`,
 * `checked-out`, `verified` (hours deposited) or `no-show`; `cancelled` by
 * the volunteer before checking in.
 */
export const SIGNUP_STATES = ['signed-up', 'waiting', 'cancelled', 'checked-in', 'checked-out', 'verified', 'no-show'] as const;
export type SignupState = (typeof SIGNUP_STATES)[number];

/** Longest one activity's verified service may be: 24 hours. */
export const MAX_SERVICE_MINUTES = 24 * 60;

export class PostActivityRequest {
  @IsUUID() id: string;
  @IsString() @Length(1, 200) title: string;
  @IsIn(ORGANIZER_KINDS) organizerKind: OrganizerKind;
  /** The community's area code, the team's id or the organization's id. */
  @IsString() @Length(1, 100) organizerId: string;
  /** Where it takes place: the community whose time pool pays its hours. */
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) communityCode: string;
  @IsString() @Length(1, 300) place: string;
  @IsISO8601({ strict: true }) startsAt: string;
  @IsISO8601({ strict: true }) endsAt: string;
  @IsInt() @Min(1) @Max(10_000) places: number;
  @IsOptional() @IsArray() @ArrayMaxSize(30) @ArrayUnique() @Matches(TAG, { each: true, message: 'each of skills must be a skill word' }) skills?: string[];
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TimebankActor) actor: TimebankActor;
}

export class Activity {
  @IsUUID() id: string;
  @IsString() title: string;
  @IsIn(ORGANIZER_KINDS) organizerKind: OrganizerKind;
  @IsString() organizerId: string;
  @IsString() communityCode: string;
  @IsString() place: string;
  @IsString() startsAt: string;
  @IsString() endsAt: string;
  @IsInt() places: number;
  /** Places held (signed up, checked in or out, verified). */
  @IsInt() taken: number;
  @IsInt() waiting: number;
  @IsArray() @IsString({ each: true }) skills: string[];
  @IsString() postedAt: string;
}

export class Signup {
  @IsUUID() activityId: string;
  @IsUUID() volunteerId: string;
  @IsIn(SIGNUP_STATES) state: SignupState;
  /** Place on the waiting list, 1 first; only while waiting. */
  @IsOptional() @IsInt() waitingPosition?: number;
  @IsOptional() @IsString() checkedInAt?: string;
  @IsOptional() @IsString() checkedOutAt?: string;
  /** Verified: the minutes deposited. */
  @IsOptional() @IsInt() minutes?: number;
  /** Verified: the ledger transfer that deposited them. */
  @IsOptional() @IsUUID() transferId?: string;
  @IsString() signedUpAt: string;
}

export class ActivityVolunteerRequest {
  @IsUUID() activityId: string;
  @IsUUID() volunteerId: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TimebankActor) actor: TimebankActor;
}

export class CheckRequest extends ActivityVolunteerRequest {
  /** When (default now). */
  @IsOptional() @IsISO8601({ strict: true }) at?: string;
}

export class VerifyHoursRequest {
  /** The command's id, and the deposit transfer's. */
  @IsUUID() id: string;
  @IsUUID() activityId: string;
  @IsUUID() volunteerId: string;
  /** The organizer's correction: the minutes served when they differ from check-in to check-out. */
  @IsOptional() @IsInt() @Min(1) @Max(MAX_SERVICE_MINUTES) minutes?: number;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TimebankActor) actor: TimebankActor;
}

export class GetActivityRequest {
  @IsUUID() id: string;
}

export class ActivityWithSignups extends Activity {
  /** Holders of places first, then the waiting list in order, then the cancelled. */
  @ValidateNested({ each: true }) @Type(() => Signup) signups: Signup[];
}

const service = 'timebank';

export const activitySubjects = {
  post: defineEndpoint({
    service,
    aggregate: 'activity',
    action: 'post',
    summary: 'Posts a service activity: time, place, places available, skills wanted.',
    request: PostActivityRequest,
    reply: Activity,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  get: defineEndpoint({
    service,
    aggregate: 'activity',
    action: 'get',
    summary: 'An activity with its sign-ups and waiting list.',
    request: GetActivityRequest,
    reply: ActivityWithSignups,
    errors: [ErrorCode.NOT_FOUND],
  }),
  signUp: defineEndpoint({
    service,
    aggregate: 'activity',
    action: 'sign-up',
    summary: 'Signs a volunteer up: a place while there is one, else the waiting list; again is no change.',
    request: ActivityVolunteerRequest,
    reply: Signup,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  cancelSignUp: defineEndpoint({
    service,
    aggregate: 'activity',
    action: 'cancel-sign-up',
    summary: 'Cancels a sign-up before check-in; a freed place goes to the first on the waiting list.',
    request: ActivityVolunteerRequest,
    reply: Signup,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  checkIn: defineEndpoint({
    service,
    aggregate: 'activity',
    action: 'check-in',
    summary: 'Checks a signed-up volunteer in.',
    request: CheckRequest,
    reply: Signup,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  checkOut: defineEndpoint({
    service,
    aggregate: 'activity',
    action: 'check-out',
    summary: 'Checks a volunteer out.',
    request: CheckRequest,
    reply: Signup,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  verifyHours: defineEndpoint({
    service,
    aggregate: 'activity',
    action: 'verify-hours',
    summary: "The organizer verifies (or corrects) a volunteer's minutes and they are deposited to their time account, once.",
    request: VerifyHoursRequest,
    reply: Signup,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  noShow: defineEndpoint({
    service,
    aggregate: 'activity',
    action: 'no-show',
    summary: 'Records that a signed-up volunteer did not come.',
    request: ActivityVolunteerRequest,
    reply: Signup,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
};
