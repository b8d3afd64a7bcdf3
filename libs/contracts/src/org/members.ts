import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateIf, ValidateNested, IsObject } from 'class-validator';
import { defineEndpoint, defineEvent } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { IsCalendarDate } from '../grid/workers.js';
import { OrgActor, OrgViewer } from './common.js';

/*
 * Party members (党员): full or probationary (正式/预备), their organization,
 * conversion, leaving and death. ID card numbers and phones are personal
 * data: stored encrypted, found by exact ID number only, masked in replies
 * unless the viewer may see them.
 */

export const MEMBER_STATUSES = ['probationary', 'full', 'left', 'deceased'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

/** Why a membership ended: left of their own will (退党), struck off (除名), expelled (开除党籍), disqualified as probationary (取消预备党员资格), died. */
export const LEAVING_REASONS = ['withdrew', 'struck-off', 'expelled', 'disqualified', 'died'] as const;
export type LeavingReason = (typeof LEAVING_REASONS)[number];

/** A resident identity card number: 17 digits and a digit or X. */
export const ID_CARD_NUMBER = /^[0-9]{17}[0-9X]$/;
/** A member number (党员编号) as the organization department issues it. */
export const MEMBER_NUMBER = /^[0-9A-Za-z][0-9A-Za-z-]{0,39}$/;
const PHONE = /^\+?[0-9][0-9 -]{4,29}$/;

export class RegisterMemberRequest {
  @Matches(MEMBER_NUMBER, { message: 'number must be 1-40 letters, digits or dashes' }) number: string;
  @IsString() @Length(1, 60) name: string;
  @Matches(ID_CARD_NUMBER, { message: 'idNumber must be an identity card number: 17 digits and a digit or X' }) idNumber: string;
  @IsOptional() @Matches(PHONE, { message: 'phone must be a phone number' }) phone?: string;
  /** A committee, general branch or branch (a group is part of its branch). */
  @IsUUID() organizationId: string;
  @IsIn(['probationary', 'full']) status: 'probationary' | 'full';
  /** The day they joined (入党), as a probationary member. */
  @IsCalendarDate() joinedOn: string;
  /** status `full`: the day they became a full member; at least a year after joining. */
  @ValidateIf((o: RegisterMemberRequest) => o.status === 'full' || o.convertedOn !== undefined) @IsCalendarDate() convertedOn?: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => OrgActor) actor: OrgActor;
}

export class Member {
  @IsUUID() id: string;
  @IsString() number: string;
  @IsString() name: string;
  /** Masked (first 6 and last 4 shown) unless the viewer may see personal data. */
  @IsString() idNumber: string;
  /** Masked (first 3 and last 4 shown) unless the viewer may see personal data. */
  @IsOptional() @IsString() phone?: string;
  @IsBoolean() masked: boolean;
  @IsUUID() organizationId: string;
  @IsIn(MEMBER_STATUSES) status: MemberStatus;
  @IsString() joinedOn: string;
  /** A probationary member: when the probation year ends and conversion is due. */
  @IsOptional() @IsString() conversionDueOn?: string;
  /** The branch assembly resolved to convert them; the higher committee's decision is awaited. */
  @IsOptional() @IsString() conversionResolvedOn?: string;
  /** The day they became a full member: the day probation ended (预备期满之日), whenever the committee approved. */
  @IsOptional() @IsString() convertedOn?: string;
  @IsOptional() @IsString() leftOn?: string;
  @IsOptional() @IsIn(LEAVING_REASONS) leavingReason?: LeavingReason;
}

export class MemberRequest {
  @IsUUID() id: string;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => OrgViewer) viewer?: OrgViewer;
}

export class SearchMembersRequest {
  /** Members of this organization and every one below it. */
  @IsOptional() @IsUUID() withinOrganizationId?: string;
  /** Part of a name, e.g. `晓` (at least one character). */
  @IsOptional() @IsString() @Length(1, 60) name?: string;
  @IsOptional() @Matches(MEMBER_NUMBER, { message: 'number must be 1-40 letters, digits or dashes' }) number?: string;
  /** The exact identity card number. */
  @IsOptional() @Matches(ID_CARD_NUMBER, { message: 'idNumber must be an identity card number: 17 digits and a digit or X' }) idNumber?: string;
  /** Default: current members (full and probationary). */
  @IsOptional() @IsIn(MEMBER_STATUSES) status?: MemberStatus;
  @IsOptional() @IsInt() @Min(1) @Max(200) limit?: number;
  /** The last id of the previous page. */
  @IsOptional() @IsUUID() after?: string;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => OrgViewer) viewer?: OrgViewer;
}

export class MemberList {
  @ValidateNested({ each: true }) @Type(() => Member) items: Member[];
  @IsOptional() @IsUUID() nextAfter?: string;
}

/**
 * A decision on a probationary member's conversion (预备党员转正), taken in
 * two: the branch assembly's (by `branch`: pass resolves to convert, return
 * extends probation 延长预备期, refuse cancels the qualification
 * 取消预备党员资格), then a higher committee's (by `higher-committee`: pass
 * converts, return sends it back to the branch assembly, refuse cancels).
 */
export class ConvertMemberRequest {
  @IsUUID() id: string;
  @IsIn(['pass', 'return', 'refuse']) decision: 'pass' | 'return' | 'refuse';
  /** The day of the decision: the branch's pass needs the probation year to be over. */
  @IsCalendarDate() on: string;
  /** Default `branch`. */
  @IsOptional() @IsIn(['branch', 'higher-committee']) by?: 'branch' | 'higher-committee';
  /** by `higher-committee`: the deciding committee, above the member's organization. */
  @ValidateIf((o: ConvertMemberRequest) => o.by === 'higher-committee' || o.committeeId !== undefined) @IsUUID() committeeId?: string;
  /** decision `return` by the branch: how long probation is extended, 6 to 12 months (once). */
  @ValidateIf((o: ConvertMemberRequest) => (o.decision === 'return' && o.by !== 'higher-committee') || o.extendMonths !== undefined) @IsInt() @Min(6) @Max(12) extendMonths?: number;
  @IsString() @Length(1, 500) reason: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => OrgActor) actor: OrgActor;
}

export class LeaveRequest {
  @IsUUID() id: string;
  @IsIn(LEAVING_REASONS) reason: LeavingReason;
  @IsCalendarDate() on: string;
  @IsOptional() @IsString() @Length(1, 500) note?: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => OrgActor) actor: OrgActor;
}

export class ReencryptRequest {
  /** Most members re-encrypted in this call; call again until `remaining` is 0. */
  @IsOptional() @IsInt() @Min(1) @Max(10_000) batch?: number;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => OrgActor) actor: OrgActor;
}

export class ReencryptResult {
  @IsString() currentKeyId: string;
  @IsInt() reencrypted: number;
  /** Members (or applicants) whose personal data is still under another key. */
  @IsInt() remaining: number;
}

/** A member as other services see them: no personal data. */
export class MemberSummary {
  @IsUUID() id: string;
  @IsString() number: string;
  @IsString() name: string;
  @IsUUID() organizationId: string;
  @IsIn(MEMBER_STATUSES) status: MemberStatus;
}

export class MemberJoined {
  @IsDefined() @ValidateNested() @Type(() => MemberSummary) member: MemberSummary;
  @IsString() joinedOn: string;
}

export class MemberTransferred {
  @IsDefined() @ValidateNested() @Type(() => MemberSummary) member: MemberSummary;
  @IsUUID() fromOrganizationId: string;
  @IsUUID() toOrganizationId: string;
  /** The transfer that moved them; absent when their organization was merged into another. */
  @IsOptional() @IsUUID() transferId?: string;
}

export class MemberLeft {
  @IsDefined() @ValidateNested() @Type(() => MemberSummary) member: MemberSummary;
  @IsIn(LEAVING_REASONS) reason: LeavingReason;
  @IsString() on: string;
}

const service = 'org';
const aggregate = 'member';

export const orgMemberSubjects = {
  register: defineEndpoint({
    service,
    aggregate,
    action: 'register',
    summary: 'Puts a party member on an organization\'s roll (full or probationary), with their personal data encrypted.',
    request: RegisterMemberRequest,
    reply: Member,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  get: defineEndpoint({ service, aggregate, action: 'get', summary: 'One member, personal data masked unless the viewer may see it.', request: MemberRequest, reply: Member, errors: [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN] }),
  search: defineEndpoint({
    service,
    aggregate,
    action: 'search',
    summary: "Members by part of their name, member number or exact ID number, within an organization's subtree.",
    request: SearchMembersRequest,
    reply: MemberList,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN],
  }),
  convert: defineEndpoint({
    service,
    aggregate,
    action: 'convert',
    summary: "The decision on a probationary member's conversion: full member, probation extended, or qualification cancelled.",
    request: ConvertMemberRequest,
    reply: Member,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  leave: defineEndpoint({
    service,
    aggregate,
    action: 'leave',
    summary: 'Ends a membership: withdrawal, striking off, expulsion, disqualification or death.',
    request: LeaveRequest,
    reply: Member,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  reencrypt: defineEndpoint({
    service,
    aggregate,
    action: 'reencrypt',
    summary: 'Moves a batch of members\' personal data from older keys to the current one (key rotation).',
    request: ReencryptRequest,
    reply: ReencryptResult,
  }),
  joined: defineEvent({ service, aggregate, event: 'joined', summary: "A member was put on an organization's roll.", payload: MemberJoined }),
  transferred: defineEvent({ service, aggregate, event: 'transferred', summary: 'A member moved to another organization.', payload: MemberTransferred }),
  left: defineEvent({ service, aggregate, event: 'left', summary: 'A membership ended (left, struck off, expelled, disqualified, died).', payload: MemberLeft }),
};
