import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsDefined, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { defineEndpoint } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { AREA_CODE, AREA_CODE_OPTIONS, WithinAreas } from '../grid/areas.js';
import { TimebankActor } from './common.js';

/*
 * Volunteers (志愿者), their teams (志愿服务队) and service brands (服务品牌,
 * e.g. a district's "five hearts"). A volunteer's home community is an area
 * code of the grid service; registering opens their time and points
 * accounts in the ledger. An in-service party member who reported in where
 * they live (双报到) is linked to their member id in the org service.
 */

/** A skill or availability word: lower-case words joined by dashes, e.g. `first-aid`, `weekend-morning`. */
export const TAG = /^[a-z][a-z0-9-]{0,39}$/;
const TAG_OPTIONS = { each: true, message: 'each of $property must be 1-40 lower-case letters, digits or dashes, starting with a letter' };

export const MAX_VOLUNTEER_PAGE = 500;

export class RegisterVolunteerRequest {
  /** The volunteer's id: registering again updates their profile. */
  @IsUUID() id: string;
  @IsString() @Length(1, 100) name: string;
  /** Where they live and serve first (a community's area code); it does not change, as their accounts belong to it. */
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) homeCommunityCode: string;
  @IsOptional() @IsArray() @ArrayMaxSize(30) @ArrayUnique() @Matches(TAG, TAG_OPTIONS) skills?: string[];
  /** When they can serve, e.g. `weekday-evening`, `weekend`. */
  @IsOptional() @IsArray() @ArrayMaxSize(30) @ArrayUnique() @Matches(TAG, TAG_OPTIONS) availability?: string[];
  /** The org service's party member id, for an in-service member who reported in here (双报到). */
  @IsOptional() @IsString() @Length(1, 100) partyMemberId?: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TimebankActor) actor: TimebankActor;
}

export class Volunteer {
  @IsUUID() id: string;
  @IsString() name: string;
  @IsString() homeCommunityCode: string;
  @IsArray() @IsString({ each: true }) skills: string[];
  @IsArray() @IsString({ each: true }) availability: string[];
  @IsOptional() @IsString() partyMemberId?: string;
  /** The volunteer's time account (minutes) and points account in the ledger. */
  @IsUUID() timeAccountId: string;
  @IsUUID() pointsAccountId: string;
  @IsString() registeredAt: string;
}

export class GetVolunteerRequest {
  @IsUUID() id: string;
}

export class ListVolunteersRequest {
  /** This area and below. */
  @IsOptional() @Matches(AREA_CODE, AREA_CODE_OPTIONS) areaCode?: string;
  /** Only those with this skill. */
  @IsOptional() @Matches(TAG, { message: 'skill must be a skill word' }) skill?: string;
  /** Only volunteers of these areas or below (the reader's scope, which the gateway sets). */
  @WithinAreas() withinAreas?: string[];
  @IsOptional() @IsUUID() after?: string;
  @IsOptional() @IsInt() @Min(1) @Max(MAX_VOLUNTEER_PAGE) limit?: number;
}

export class VolunteerPage {
  @ValidateNested({ each: true }) @Type(() => Volunteer) items: Volunteer[];
  @IsOptional() @IsString() nextAfter?: string;
}

export class DefineBrandRequest {
  @IsUUID() id: string;
  @IsString() @Length(1, 100) name: string;
  /** The area whose brand it is, e.g. a district. */
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) areaCode: string;
  @IsOptional() @IsString() @Length(1, 2000) description?: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TimebankActor) actor: TimebankActor;
}

export class Brand {
  @IsUUID() id: string;
  @IsString() name: string;
  @IsString() areaCode: string;
  @IsOptional() @IsString() description?: string;
}

export class DefineTeamRequest {
  @IsUUID() id: string;
  @IsString() @Length(1, 100) name: string;
  /** The community the team serves. */
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) communityCode: string;
  /** The service brand it serves under. */
  @IsOptional() @IsUUID() brandId?: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TimebankActor) actor: TimebankActor;
}

export const TEAM_ROLES = ['leader', 'member'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

export class TeamMember {
  @IsUUID() volunteerId: string;
  @IsIn(TEAM_ROLES) role: TeamRole;
  @IsString() joinedAt: string;
}

export class Team {
  @IsUUID() id: string;
  @IsString() name: string;
  @IsString() communityCode: string;
  @IsOptional() @IsUUID() brandId?: string;
  @ValidateNested({ each: true }) @Type(() => TeamMember) members: TeamMember[];
}

export class TeamMembershipRequest {
  @IsUUID() teamId: string;
  @IsUUID() volunteerId: string;
  /** join: as what (default member). */
  @IsOptional() @IsIn(TEAM_ROLES) role?: TeamRole;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TimebankActor) actor: TimebankActor;
}

export class GetTeamRequest {
  @IsUUID() id: string;
}

export class GetBrandRequest {
  @IsUUID() id: string;
}

export class BrandWithTeams extends Brand {
  @ValidateNested({ each: true }) @Type(() => Team) teams: Team[];
}

const service = 'timebank';

export const volunteerSubjects = {
  register: defineEndpoint({
    service,
    aggregate: 'volunteer',
    action: 'register',
    summary: 'Registers a volunteer in their home community (opening their time and points accounts), or updates their skills, availability and party-member link.',
    request: RegisterVolunteerRequest,
    reply: Volunteer,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  get: defineEndpoint({ service, aggregate: 'volunteer', action: 'get', summary: 'One volunteer.', request: GetVolunteerRequest, reply: Volunteer, errors: [ErrorCode.NOT_FOUND] }),
  list: defineEndpoint({ service, aggregate: 'volunteer', action: 'list', summary: 'Volunteers of an area, by skill, paged.', request: ListVolunteersRequest, reply: VolunteerPage }),
};

export const brandSubjects = {
  define: defineEndpoint({
    service,
    aggregate: 'brand',
    action: 'define',
    summary: 'Defines or renames a service brand of an area.',
    request: DefineBrandRequest,
    reply: Brand,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  get: defineEndpoint({ service, aggregate: 'brand', action: 'get', summary: 'A brand with its teams.', request: GetBrandRequest, reply: BrandWithTeams, errors: [ErrorCode.NOT_FOUND] }),
};

export const teamSubjects = {
  define: defineEndpoint({
    service,
    aggregate: 'team',
    action: 'define',
    summary: 'Defines or updates a volunteer team of a community, under a brand or none.',
    request: DefineTeamRequest,
    reply: Team,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  get: defineEndpoint({ service, aggregate: 'team', action: 'get', summary: 'A team with its members.', request: GetTeamRequest, reply: Team, errors: [ErrorCode.NOT_FOUND] }),
  join: defineEndpoint({
    service,
    aggregate: 'team',
    action: 'join',
    summary: 'Adds a volunteer to a team (or changes their role); joining again is no change.',
    request: TeamMembershipRequest,
    reply: Team,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN],
  }),
  leave: defineEndpoint({
    service,
    aggregate: 'team',
    action: 'leave',
    summary: 'Takes a volunteer off a team.',
    request: TeamMembershipRequest,
    reply: Team,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN],
  }),
};
