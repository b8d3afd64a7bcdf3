import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested, IsObject } from 'class-validator';
import { defineEndpoint } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { AREA_CODE, AREA_CODE_OPTIONS } from '../grid/areas.js';
import { OrgActor, OrgViewer } from './common.js';
import { UNIT_CODE } from './organizations.js';

/*
 * Two coverages (两个覆盖): every unit with party members has an
 * organization; every unit without one is covered by party work (an
 * instructor). Units are registered; the coverage report says per area and
 * type how many have an organization, how many party work only, how many
 * neither.
 */

export const UNIT_TYPES = ['state-enterprise', 'non-public-enterprise', 'social-organization', 'new-employment'] as const;
export type UnitType = (typeof UNIT_TYPES)[number];

/** The rules: a unit with this many full members sets up its own organization. */
export const MEMBERS_FOR_OWN_ORGANIZATION = 3;

export class RegisterUnitRequest {
  @Matches(UNIT_CODE, { message: 'code must be a unit code: letters, digits and dashes' }) code: string;
  @IsString() @Length(1, 200) name: string;
  @IsIn(UNIT_TYPES) type: UnitType;
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) areaCode: string;
  @IsInt() @Min(0) @Max(10_000_000) employees: number;
  /** Party members working there. */
  @IsInt() @Min(0) @Max(10_000_000) partyMembers: number;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => OrgActor) actor: OrgActor;
}

export const COVERAGE_STATES = ['organization', 'work-only', 'not-covered'] as const;
export type CoverageState = (typeof COVERAGE_STATES)[number];

export class Unit {
  @IsString() code: string;
  @IsString() name: string;
  @IsIn(UNIT_TYPES) type: UnitType;
  @IsString() areaCode: string;
  @IsInt() employees: number;
  @IsInt() partyMembers: number;
  /** An organization set up in it (standalone, joint, attached), party work only (an instructor), or neither. */
  @IsIn(COVERAGE_STATES) coverage: CoverageState;
}

export class TwoCoveragesRequest {
  /** This area and every one below it. */
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) areaCode: string;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => OrgViewer) viewer?: OrgViewer;
}

export class TwoCoveragesFigures {
  @IsInt() units: number;
  @IsInt() withOrganization: number;
  @IsInt() workOnly: number;
  @IsInt() notCovered: number;
  /** Units with enough members for their own organization that have none. */
  @IsInt() shouldOrganize: number;
}

export class TypeCoverage extends TwoCoveragesFigures {
  @IsIn(UNIT_TYPES) type: UnitType;
}

export class AreaCoverage extends TwoCoveragesFigures {
  @IsString() areaCode: string;
}

export class TwoCoveragesReport extends TwoCoveragesFigures {
  @IsString() areaCode: string;
  @ValidateNested({ each: true }) @Type(() => TypeCoverage) byType: TypeCoverage[];
  /** The same figures for each area directly below (those with units). */
  @ValidateNested({ each: true }) @Type(() => AreaCoverage) byChildArea: AreaCoverage[];
}

const service = 'org';

export const orgUnitSubjects = {
  register: defineEndpoint({
    service,
    aggregate: 'unit',
    action: 'register',
    summary: 'Registers (or updates) a unit: an enterprise, social organization or new-employment group, with its staff and party members.',
    request: RegisterUnitRequest,
    reply: Unit,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN],
  }),
};

export const orgCoverageSubjects = {
  report: defineEndpoint({
    service,
    aggregate: 'coverage',
    action: 'report',
    summary: 'The two coverages in an area: units with an organization, with party work only, and not covered, by type and by child area.',
    request: TwoCoveragesRequest,
    reply: TwoCoveragesReport,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN],
  }),
};
