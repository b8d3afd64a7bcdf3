import { IsIn, IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';
import { AREA_CODE, DEPARTMENT_CODE } from '@gridwork/contracts';

/**
 * Who may do what. An account holds grants: a role, and for most roles the
 * scope it holds in, an area subtree (a community worker acts only inside
 * their community; a district dispatcher inside the district) or a
 * department (its own cases only).
 */
export const ROLES = [
  'platform-admin',
  'area-admin',
  'dispatcher',
  'department-staff',
  'grid-worker',
  'reviewer',
  'organizer',
  'operator',
  'volunteer',
  'resident',
] as const;
export type Role = (typeof ROLES)[number];

/** Roles that hold only inside an area subtree, and so need `areaCode`. */
export const AREA_ROLES: readonly Role[] = ['area-admin', 'dispatcher', 'reviewer', 'organizer'];

export class Grant {
  @IsIn(ROLES) role: Role;
  /** The area whose subtree the grant holds in (area-admin, dispatcher, reviewer, organizer; optional for a grid worker). */
  @ValidateIf((grant: Grant) => AREA_ROLES.includes(grant.role) || grant.areaCode !== undefined)
  @Matches(AREA_CODE, { message: 'areaCode must be an area code of the grid service' })
  areaCode?: string;
  /** department-staff: the department whose cases the grant is for. */
  @ValidateIf((grant: Grant) => grant.role === 'department-staff' || grant.department !== undefined)
  @Matches(DEPARTMENT_CODE, { message: 'department must be a department code (lower-case letters, digits and -)' })
  department?: string;
  /** grid-worker: the worker's id in the grid service. */
  @ValidateIf((grant: Grant) => grant.role === 'grid-worker' || grant.workerId !== undefined)
  @IsString() @Length(1, 60)
  workerId?: string;
  @IsOptional() @IsString() @Length(0, 200) note?: string;
}

/** Who is acting: the signed-in account, from its access token. */
export interface Principal {
  accountId: string;
  username: string;
  displayName: string;
  grants: Grant[];
  /** The sign-in (session) the token belongs to, so that signing out ends it at once. */
  sessionId: string;
}

export const grantsOf = (principal: Principal, role: Role): Grant[] => principal.grants.filter((grant) => grant.role === role);
export const isPlatformAdmin = (principal: Principal): boolean => grantsOf(principal, 'platform-admin').length > 0;
