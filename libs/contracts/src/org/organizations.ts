import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { defineEndpoint, defineEvent } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { AREA_CODE, AREA_CODE_OPTIONS } from '../grid/areas.js';
import { OrgActor, OrgViewer } from './common.js';

/*
 * Party organizations (党组织): a tree of committees (党委), general branches
 * (党总支), branches (党支部) and groups (党小组), each placed at an area of the
 * grid service's tree and typed by the kind of unit it is built in.
 */

/** The four levels of the tree, highest first. */
export const ORGANIZATION_KINDS = ['committee', 'general-branch', 'branch', 'group'] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];

/**
 * The kinds an organization of each kind may sit under (no entry: none may
 * be a root but a committee). A grid branch is a branch placed at a grid; it
 * sits under a community committee.
 */
export const PARENT_KINDS: Record<OrganizationKind, readonly OrganizationKind[]> = {
  committee: ['committee'],
  'general-branch': ['committee'],
  branch: ['committee', 'general-branch'],
  group: ['branch'],
};

/** Where the organization is built: village, community, agency (机关), state enterprise, non-public enterprise (非公企业), social organization (社会组织), new-employment group (新就业群体). */
export const ORGANIZATION_TYPES = ['village', 'community', 'agency', 'state-enterprise', 'non-public-enterprise', 'social-organization', 'new-employment'] as const;
export type OrganizationType = (typeof ORGANIZATION_TYPES)[number];

/** How it was set up: standalone (单独建), joint with several units (联合建), attached to another organization (挂靠建), or covered by a party-building instructor only (党建指导员). */
export const SETUP_MODES = ['standalone', 'joint', 'attached', 'instructor'] as const;
export type SetupMode = (typeof SETUP_MODES)[number];

/** A registered unit's code (统一社会信用代码 or the city's own): letters, digits and dashes. */
export const UNIT_CODE = /^[0-9A-Za-z][0-9A-Za-z-]{0,39}$/;

export class CreateOrganizationRequest {
  @IsString() @Length(1, 100) name: string;
  @IsIn(ORGANIZATION_KINDS) kind: OrganizationKind;
  @IsIn(ORGANIZATION_TYPES) type: OrganizationType;
  /** The area it is placed at; on or below its parent's area. */
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) areaCode: string;
  /** Absent: a root (a committee only). */
  @IsOptional() @IsUUID() parentId?: string;
  @IsIn(SETUP_MODES) setup: SetupMode;
  /**
   * The units it covers: at most one when standalone, two or more when joint,
   * one or more when covered by an instructor.
   */
  @IsOptional() @IsArray() @ArrayMaxSize(200) @Matches(UNIT_CODE, { each: true, message: 'each of unitCodes must be a unit code' }) unitCodes?: string[];
  /** setup `attached`: the organization it is attached to. */
  @ValidateIf((o: CreateOrganizationRequest) => o.setup === 'attached' || o.hostId !== undefined) @IsUUID() hostId?: string;
  /** setup `instructor`: the assigned party-building instructor's name. */
  @ValidateIf((o: CreateOrganizationRequest) => o.setup === 'instructor' || o.instructor !== undefined) @IsString() @Length(1, 100) instructor?: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => OrgActor) actor: OrgActor;
}

export class Organization {
  @IsUUID() id: string;
  @IsString() name: string;
  @IsIn(ORGANIZATION_KINDS) kind: OrganizationKind;
  @IsIn(ORGANIZATION_TYPES) type: OrganizationType;
  @IsString() areaCode: string;
  /** The area's codes from the city down, the area last. */
  @IsArray() @IsString({ each: true }) areaPath: string[];
  @IsOptional() @IsUUID() parentId?: string;
  /** A branch placed at a grid (网格党支部). */
  @IsBoolean() gridBranch: boolean;
  @IsIn(SETUP_MODES) setup: SetupMode;
  @IsArray() @IsString({ each: true }) unitCodes: string[];
  @IsOptional() @IsUUID() hostId?: string;
  @IsOptional() @IsString() instructor?: string;
  @IsString() createdAt: string;
  @IsOptional() @IsString() dissolvedAt?: string;
  @IsOptional() @IsString() dissolutionReason?: string;
  /** Set when it was dissolved by merging into another. */
  @IsOptional() @IsUUID() mergedInto?: string;
}

export class OrganizationRequest {
  @IsUUID() id: string;
  /** Only if it lies inside the viewer's areas; else FORBIDDEN. */
  @IsOptional() @IsObject() @ValidateNested() @Type(() => OrgViewer) viewer?: OrgViewer;
}

export class OrganizationList {
  @ValidateNested({ each: true }) @Type(() => Organization) items: Organization[];
}

export class KindCount {
  @IsIn(ORGANIZATION_KINDS) kind: OrganizationKind;
  @IsInt() count: number;
}

export class TypeCount {
  @IsIn(ORGANIZATION_TYPES) type: OrganizationType;
  @IsInt() count: number;
}

export class SubtreeCounts {
  @IsDefined() @ValidateNested() @Type(() => Organization) root: Organization;
  /** Current organizations in the subtree, the root included. */
  @IsInt() organizations: number;
  @ValidateNested({ each: true }) @Type(() => KindCount) byKind: KindCount[];
  @ValidateNested({ each: true }) @Type(() => TypeCount) byType: TypeCount[];
  /** Members in the subtree: full, probationary (those who left or died are not counted). */
  @IsInt() fullMembers: number;
  @IsInt() probationaryMembers: number;
}

export class MoveOrganizationRequest {
  @IsUUID() id: string;
  @IsUUID() parentId: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => OrgActor) actor: OrgActor;
}

export class MergeOrganizationRequest {
  /** The organization that goes: its members, open applications and sub-organizations move to `intoId`, then it is dissolved. */
  @IsUUID() id: string;
  @IsUUID() intoId: string;
  @IsString() @Length(1, 500) reason: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => OrgActor) actor: OrgActor;
}

export class MergeResult {
  @IsDefined() @ValidateNested() @Type(() => Organization) merged: Organization;
  @IsDefined() @ValidateNested() @Type(() => Organization) into: Organization;
  @IsInt() membersMoved: number;
  /** Open applications to join (发展党员) that moved with them. */
  @IsInt() applicantsMoved: number;
  @IsInt() organizationsMoved: number;
}

export class DissolveOrganizationRequest {
  @IsUUID() id: string;
  @IsString() @Length(1, 500) reason: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => OrgActor) actor: OrgActor;
}

export class OrganizationCreated {
  @IsDefined() @ValidateNested() @Type(() => Organization) organization: Organization;
}

export class OrganizationMoved {
  @IsDefined() @ValidateNested() @Type(() => Organization) organization: Organization;
  @IsOptional() @IsUUID() fromParentId?: string;
  /** Organizations below it, which moved with it. */
  @IsInt() descendants: number;
}

export class OrganizationDissolved {
  @IsDefined() @ValidateNested() @Type(() => Organization) organization: Organization;
}

const service = 'org';
const aggregate = 'organization';

export const orgOrganizationSubjects = {
  create: defineEndpoint({
    service,
    aggregate,
    action: 'create',
    summary: 'Creates a party organization under its parent (or a root committee), at an area, with how it was set up.',
    request: CreateOrganizationRequest,
    reply: Organization,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  get: defineEndpoint({ service, aggregate, action: 'get', summary: 'One organization.', request: OrganizationRequest, reply: Organization, errors: [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN] }),
  children: defineEndpoint({
    service,
    aggregate,
    action: 'children',
    summary: "An organization's current sub-organizations, by name (those in the viewer's areas).",
    request: OrganizationRequest,
    reply: OrganizationList,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN],
  }),
  subtree: defineEndpoint({
    service,
    aggregate,
    action: 'subtree',
    summary: 'Counts of the current organizations below one (by kind and type) and of their members.',
    request: OrganizationRequest,
    reply: SubtreeCounts,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN],
  }),
  path: defineEndpoint({
    service,
    aggregate,
    action: 'path',
    summary: 'The organizations from the root down to this one, this one last.',
    request: OrganizationRequest,
    reply: OrganizationList,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN],
  }),
  move: defineEndpoint({
    service,
    aggregate,
    action: 'move',
    summary: 'Moves an organization with everything below it under another parent (never under its own descendant).',
    request: MoveOrganizationRequest,
    reply: Organization,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  merge: defineEndpoint({
    service,
    aggregate,
    action: 'merge',
    summary: 'Merges an organization into another: its members and sub-organizations move there, and it is dissolved.',
    request: MergeOrganizationRequest,
    reply: MergeResult,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  dissolve: defineEndpoint({
    service,
    aggregate,
    action: 'dissolve',
    summary: 'Dissolves an organization that has no current members and no current sub-organizations.',
    request: DissolveOrganizationRequest,
    reply: Organization,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  created: defineEvent({ service, aggregate, event: 'created', summary: 'A party organization was created.', payload: OrganizationCreated }),
  moved: defineEvent({ service, aggregate, event: 'moved', summary: 'An organization moved under another parent, with its subtree.', payload: OrganizationMoved }),
  dissolved: defineEvent({ service, aggregate, event: 'dissolved', summary: 'An organization was dissolved (or merged into another).', payload: OrganizationDissolved }),
};
