import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateNested, IsObject } from 'class-validator';
import { defineEndpoint } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { IsCalendarDate } from '../grid/workers.js';
import { OrgActor, OrgViewer } from './common.js';
import { Organization } from './organizations.js';

/*
 * Leaders and grading: secretaries (书记) and committee members as
 * appointments with terms; the yearly grading in stars (星级, 五星支部); and
 * the rolled list of weak and lax organizations under rectification
 * (软弱涣散党组织整顿) with their measures and the day each was lifted.
 */

export const LEADER_ROLES = ['secretary', 'deputy-secretary', 'committee-member'] as const;
export type LeaderRole = (typeof LEADER_ROLES)[number];

export class AppointRequest {
  @IsUUID() organizationId: string;
  @IsUUID() memberId: string;
  @IsIn(LEADER_ROLES) role: LeaderRole;
  @IsCalendarDate() fromOn: string;
  /** The end of the term (届满), after fromOn. */
  @IsCalendarDate() termEndsOn: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => OrgActor) actor: OrgActor;
}

export class Appointment {
  @IsUUID() id: string;
  @IsUUID() organizationId: string;
  @IsUUID() memberId: string;
  @IsString() memberName: string;
  @IsIn(LEADER_ROLES) role: LeaderRole;
  @IsString() fromOn: string;
  @IsString() termEndsOn: string;
  @IsOptional() @IsString() endedOn?: string;
  @IsOptional() @IsString() endReason?: string;
}

export class EndAppointmentRequest {
  @IsUUID() id: string;
  @IsCalendarDate() on: string;
  @IsString() @Length(1, 500) reason: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => OrgActor) actor: OrgActor;
}

export class LeadersRequest {
  @IsUUID() organizationId: string;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => OrgViewer) viewer?: OrgViewer;
}

export class AppointmentList {
  @ValidateNested({ each: true }) @Type(() => Appointment) items: Appointment[];
}

export class LeadersReportRequest {
  /** This organization and every one below it. */
  @IsUUID() organizationId: string;
  /** Terms ending within this many days of `on` (default 90). */
  @IsOptional() @IsInt() @Min(1) @Max(3_650) withinDays?: number;
  @IsOptional() @IsCalendarDate() on?: string;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => OrgViewer) viewer?: OrgViewer;
}

export class LeadersReport {
  @IsString() on: string;
  /** Current appointments whose term ends within the window (or has ended without a successor), soonest first. */
  @ValidateNested({ each: true }) @Type(() => Appointment) termsEnding: Appointment[];
  /** Current committees, general branches and branches without a secretary. */
  @ValidateNested({ each: true }) @Type(() => Organization) withoutSecretary: Organization[];
}

export class GradeRequest {
  @IsUUID() organizationId: string;
  @IsInt() @Min(2000) @Max(2100) year: number;
  /** 1 to 5 stars (五星: five). */
  @IsInt() @Min(1) @Max(5) stars: number;
  @IsOptional() @IsString() @Length(1, 500) note?: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => OrgActor) actor: OrgActor;
}

export class Grading {
  @IsUUID() organizationId: string;
  @IsString() name: string;
  @IsInt() year: number;
  @IsInt() stars: number;
  @IsOptional() @IsString() note?: string;
}

export class GradingsRequest {
  @IsUUID() organizationId: string;
  @IsInt() @Min(2000) @Max(2100) year: number;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => OrgViewer) viewer?: OrgViewer;
}

export class StarCount {
  @IsInt() stars: number;
  @IsInt() count: number;
}

export class GradingList {
  @ValidateNested({ each: true }) @Type(() => Grading) items: Grading[];
  @ValidateNested({ each: true }) @Type(() => StarCount) byStars: StarCount[];
  /** Current organizations of the subtree not graded for the year. */
  @IsInt() ungraded: number;
}

export class ListForRectificationRequest {
  @IsUUID() organizationId: string;
  @IsInt() @Min(2000) @Max(2100) year: number;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @IsString({ each: true }) @Length(1, 200, { each: true }) reasons: string[];
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @IsString({ each: true }) @Length(1, 200, { each: true }) measures: string[];
  @IsDefined() @IsObject() @ValidateNested() @Type(() => OrgActor) actor: OrgActor;
}

export class Rectification {
  @IsUUID() id: string;
  @IsUUID() organizationId: string;
  @IsString() name: string;
  /** The year it was put on the list. */
  @IsInt() year: number;
  @IsArray() @IsString({ each: true }) reasons: string[];
  @IsArray() @IsString({ each: true }) measures: string[];
  @IsOptional() @IsString() liftedOn?: string;
  @IsOptional() @IsString() liftNote?: string;
}

export class LiftRectificationRequest {
  @IsUUID() id: string;
  @IsCalendarDate() on: string;
  @IsString() @Length(1, 500) note: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => OrgActor) actor: OrgActor;
}

export class RectificationsRequest {
  @IsUUID() organizationId: string;
  @IsInt() @Min(2000) @Max(2100) year: number;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => OrgViewer) viewer?: OrgViewer;
}

export class RectificationList {
  /** The year's list: put on it that year, or earlier and not lifted before the year began (rolled over). */
  @ValidateNested({ each: true }) @Type(() => Rectification) items: Rectification[];
}

const service = 'org';

export const orgLeaderSubjects = {
  appoint: defineEndpoint({
    service,
    aggregate: 'leader',
    action: 'appoint',
    summary: 'Appoints a member as secretary, deputy secretary or committee member of an organization for a term.',
    request: AppointRequest,
    reply: Appointment,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  end: defineEndpoint({
    service,
    aggregate: 'leader',
    action: 'end',
    summary: 'Ends an appointment.',
    request: EndAppointmentRequest,
    reply: Appointment,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  list: defineEndpoint({ service, aggregate: 'leader', action: 'list', summary: "An organization's current leaders.", request: LeadersRequest, reply: AppointmentList, errors: [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN] }),
  report: defineEndpoint({
    service,
    aggregate: 'leader',
    action: 'report',
    summary: 'Terms ending soon and organizations without a secretary, in a subtree.',
    request: LeadersReportRequest,
    reply: LeadersReport,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN],
  }),
};

export const orgGradingSubjects = {
  grade: defineEndpoint({
    service,
    aggregate: 'grading',
    action: 'grade',
    summary: "Sets an organization's grading in stars for a year (again: replaces it).",
    request: GradeRequest,
    reply: Grading,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  list: defineEndpoint({
    service,
    aggregate: 'grading',
    action: 'list',
    summary: "A year's gradings in a subtree, with counts by stars and how many were not graded.",
    request: GradingsRequest,
    reply: GradingList,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN],
  }),
};

export const orgRectificationSubjects = {
  list: defineEndpoint({
    service,
    aggregate: 'rectification',
    action: 'list',
    summary: "Puts a weak and lax organization on a year's rectification list, with reasons and measures.",
    request: ListForRectificationRequest,
    reply: Rectification,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  lift: defineEndpoint({
    service,
    aggregate: 'rectification',
    action: 'lift',
    summary: 'Takes an organization off the rectification list once rectified (摘帽), on a day.',
    request: LiftRectificationRequest,
    reply: Rectification,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  year: defineEndpoint({
    service,
    aggregate: 'rectification',
    action: 'year',
    summary: "A year's rectification list in a subtree, with those rolled over from earlier years.",
    request: RectificationsRequest,
    reply: RectificationList,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN],
  }),
};
