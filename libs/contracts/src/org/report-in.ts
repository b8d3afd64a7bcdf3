import { Type } from 'class-transformer';
import { IsDefined, IsInt, IsOptional, IsString, IsUUID, Length, Matches, ValidateNested, IsObject } from 'class-validator';
import { defineEndpoint, defineEvent } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { AREA_CODE, AREA_CODE_OPTIONS } from '../grid/areas.js';
import { IsCalendarDate } from '../grid/workers.js';
import { OrgActor, OrgViewer } from './common.js';

/*
 * Report in twice (双报到): an in-service member, who belongs to their
 * employer's branch, also registers with the community where they live and
 * serves there; the hours the timebank service verifies for them build their
 * service record, which both the community and the employer's branch see.
 */

export class RegisterReportInRequest {
  @IsUUID() memberId: string;
  /** The community (社区) where the member lives. */
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) communityCode: string;
  /** The member's volunteer id in the timebank service, whose verified hours count toward the record. */
  @IsString() @Length(1, 100) volunteerId: string;
  @IsCalendarDate() on: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => OrgActor) actor: OrgActor;
}

export class ReportIn {
  @IsUUID() id: string;
  @IsUUID() memberId: string;
  @IsString() memberName: string;
  /** The member's own (employer's) organization. */
  @IsUUID() organizationId: string;
  @IsString() communityCode: string;
  @IsString() volunteerId: string;
  @IsString() registeredOn: string;
  /** Verified service time so far, in minutes. */
  @IsInt() serviceMinutes: number;
  @IsInt() serviceEntries: number;
}

export class CommunityReportInsRequest {
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) communityCode: string;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => OrgViewer) viewer?: OrgViewer;
}

export class BranchReportInsRequest {
  /** Members of this organization and every one below it. */
  @IsUUID() organizationId: string;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => OrgViewer) viewer?: OrgViewer;
}

export class ReportInList {
  @ValidateNested({ each: true }) @Type(() => ReportIn) items: ReportIn[];
  @IsInt() serviceMinutes: number;
}

export class ReportInRegistered {
  @IsDefined() @ValidateNested() @Type(() => ReportIn) reportIn: ReportIn;
}

const service = 'org';
const aggregate = 'report-in';

export const orgReportInSubjects = {
  register: defineEndpoint({
    service,
    aggregate,
    action: 'register',
    summary: 'Registers an in-service member with the community where they live (双报到).',
    request: RegisterReportInRequest,
    reply: ReportIn,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  community: defineEndpoint({
    service,
    aggregate,
    action: 'community',
    summary: 'Who reported in to a community, with their verified service time.',
    request: CommunityReportInsRequest,
    reply: ReportInList,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN],
  }),
  branch: defineEndpoint({
    service,
    aggregate,
    action: 'branch',
    summary: "Where an organization's members reported in, with their verified service time (the employer's view).",
    request: BranchReportInsRequest,
    reply: ReportInList,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN],
  }),
  registered: defineEvent({ service, aggregate, event: 'registered', summary: 'A member reported in to the community where they live.', payload: ReportInRegistered }),
};
