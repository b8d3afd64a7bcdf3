import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDefined, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested, IsObject } from 'class-validator';
import { defineEndpoint } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { AREA_CODE, AREA_CODE_OPTIONS } from '../grid/areas.js';
import { IsCalendarDate } from '../grid/workers.js';
import { OrgActor, OrgViewer } from './common.js';
import { MONTH } from './dues.js';
import { ORGANIZATION_KINDS, ORGANIZATION_TYPES, type OrganizationKind, type OrganizationType } from './organizations.js';

/*
 * Organization life (组织生活): the three meetings and one lesson (三会一课:
 * member assembly, committee meeting, group meeting, party lesson), theme
 * party day (主题党日) and heart-to-heart talks (谈心谈话), each held with a
 * date, attendees and topic; required frequencies per organization type and
 * kind; compliance for a period, saying who fell short by how much.
 */

export const MEETING_KINDS = ['member-assembly', 'committee-meeting', 'group-meeting', 'party-lesson', 'theme-day', 'heart-talk'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];
export const REQUIREMENT_PERIODS = ['month', 'quarter', 'year'] as const;
export type RequirementPeriod = (typeof REQUIREMENT_PERIODS)[number];

const MONTH_OPTIONS = { message: '$property must be a month YYYY-MM' };

export class RecordMeetingRequest {
  @IsUUID() organizationId: string;
  @IsIn(MEETING_KINDS) kind: MeetingKind;
  @IsCalendarDate() heldOn: string;
  @IsString() @Length(1, 200) topic: string;
  /** Members who attended. */
  @IsArray() @ArrayMaxSize(2_000) @IsUUID('all', { each: true }) attendeeIds: string[];
  @IsDefined() @IsObject() @ValidateNested() @Type(() => OrgActor) actor: OrgActor;
}

export class Meeting {
  @IsUUID() id: string;
  @IsUUID() organizationId: string;
  @IsIn(MEETING_KINDS) kind: MeetingKind;
  @IsString() heldOn: string;
  @IsString() topic: string;
  @IsArray() @IsUUID('all', { each: true }) attendeeIds: string[];
}

export class SetRequirementRequest {
  @IsIn(ORGANIZATION_TYPES) organizationType: OrganizationType;
  @IsIn(ORGANIZATION_KINDS) organizationKind: OrganizationKind;
  @IsIn(MEETING_KINDS) meetingKind: MeetingKind;
  /** How many per period; 0 drops the requirement. */
  @IsInt() @Min(0) @Max(31) times: number;
  @IsIn(REQUIREMENT_PERIODS) per: RequirementPeriod;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => OrgActor) actor: OrgActor;
}

export class Requirement {
  @IsIn(ORGANIZATION_TYPES) organizationType: OrganizationType;
  @IsIn(ORGANIZATION_KINDS) organizationKind: OrganizationKind;
  @IsIn(MEETING_KINDS) meetingKind: MeetingKind;
  @IsInt() times: number;
  @IsIn(REQUIREMENT_PERIODS) per: RequirementPeriod;
}

export class RequirementsRequest {
  @IsOptional() @IsIn(ORGANIZATION_TYPES) organizationType?: OrganizationType;
}

export class RequirementList {
  @ValidateNested({ each: true }) @Type(() => Requirement) items: Requirement[];
}

export class ComplianceRequest {
  /** Organizations of this subtree… */
  @IsOptional() @IsUUID() organizationId?: string;
  /** …or placed in this area or below (one of the two). */
  @IsOptional() @Matches(AREA_CODE, AREA_CODE_OPTIONS) areaCode?: string;
  @Matches(MONTH, MONTH_OPTIONS) fromMonth: string;
  @Matches(MONTH, MONTH_OPTIONS) toMonth: string;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => OrgViewer) viewer?: OrgViewer;
}

export class Shortfall {
  @IsUUID() organizationId: string;
  @IsString() name: string;
  @IsString() areaCode: string;
  @IsIn(MEETING_KINDS) meetingKind: MeetingKind;
  /** Required in the period: the frequency pro rata, rounded up. */
  @IsInt() required: number;
  @IsInt() held: number;
  @IsInt() short: number;
}

export class AreaCompliance {
  @IsString() areaCode: string;
  @IsInt() organizations: number;
  @IsInt() compliant: number;
}

export class ComplianceReport {
  @IsString() fromMonth: string;
  @IsString() toMonth: string;
  /** Current organizations with at least one requirement, set up by the period's end (one set up during it owes the months since). */
  @IsInt() organizations: number;
  @IsInt() compliant: number;
  /** By the area each organization is placed at. */
  @ValidateNested({ each: true }) @Type(() => AreaCompliance) byArea: AreaCompliance[];
  @ValidateNested({ each: true }) @Type(() => Shortfall) shortfalls: Shortfall[];
}

const service = 'org';
const aggregate = 'life';

export const orgLifeSubjects = {
  record: defineEndpoint({
    service,
    aggregate,
    action: 'record',
    summary: 'Records a meeting of organization life (三会一课, theme party day, heart-to-heart talk) with its date, topic and attendees.',
    request: RecordMeetingRequest,
    reply: Meeting,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  setRequirement: defineEndpoint({
    service,
    aggregate,
    action: 'set-requirement',
    summary: 'Sets how often organizations of a type and kind must hold a kind of meeting (0 drops it).',
    request: SetRequirementRequest,
    reply: RequirementList,
  }),
  requirements: defineEndpoint({ service, aggregate, action: 'requirements', summary: 'The required frequencies.', request: RequirementsRequest, reply: RequirementList }),
  compliance: defineEndpoint({
    service,
    aggregate,
    action: 'compliance',
    summary: "Organization life compliance for a period, in a subtree or an area: compliant organizations per area, and who fell short of which meeting by how much.",
    request: ComplianceRequest,
    reply: ComplianceReport,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN],
  }),
};
