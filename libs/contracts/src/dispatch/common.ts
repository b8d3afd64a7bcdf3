import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { WithinAreas } from '../grid/areas.js';
import { DEPARTMENT_CODE } from '../definitions.js';

/*
 * Words the dispatch hub's contracts share: the four response levels, who
 * owns a case, and who did something to it.
 */

/** The four-level response (四级响应), lowest first: a case escalates up this list. */
export const RESPONSE_LEVELS = ['grid', 'community', 'township', 'district'] as const;
export type ResponseLevel = (typeof RESPONSE_LEVELS)[number];

/** `accept`: the deadline to claim (签收); `complete`: the deadline to resolve (办结). */
export const DEADLINES = ['accept', 'complete'] as const;
export type Deadline = (typeof DEADLINES)[number];

/** A case that missed a deadline is flagged yellow the first time, red after. */
export const FLAGS = ['yellow', 'red'] as const;
export type Flag = (typeof FLAGS)[number];

/** The level above, or undefined at the district (the top of the four levels). */
export const levelAbove = (level: ResponseLevel): ResponseLevel | undefined => RESPONSE_LEVELS[RESPONSE_LEVELS.indexOf(level) + 1];

export const DEPARTMENT_CODE_MESSAGE = 'must be a department code: 2-40 lower-case letters, digits or dashes, starting with a letter';

/** Who is responsible for a case: a department, or the area at one of the four levels (and, for a grid, its worker). */
export class Responsibility {
  @IsIn(['department', 'level']) kind: 'department' | 'level';
  /** kind `department`: the department's code, e.g. `city-management`. */
  @IsOptional() @Matches(DEPARTMENT_CODE, { message: `department ${DEPARTMENT_CODE_MESSAGE}` }) department?: string;
  /** kind `level`: which of the four levels. */
  @IsOptional() @IsIn(RESPONSE_LEVELS) level?: ResponseLevel;
}

/** A case's current owner: a department, or an area at a level (with the grid's worker when the level is grid). */
export class CaseOwner extends Responsibility {
  /** kind `level`: the area at that level on the case's path, e.g. the community's code. */
  @IsOptional() @IsString() areaCode?: string;
  /** The grid worker a grid-level case goes to, when the grid has one. */
  @IsOptional() @IsString() workerId?: string;
}

export const ACTOR_KINDS = ['operator', 'worker', 'department', 'reporter', 'system'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/** Who acts: the gateway fills this from the person's token; department systems are known from their subject. */
export class Actor {
  @IsIn(['operator', 'worker', 'reporter']) kind: 'operator' | 'worker' | 'reporter';
  @IsString() @Length(1, 100) id: string;
  @IsOptional() @IsString() @Length(1, 100) name?: string;
  /**
   * The areas the actor acts within (the gateway sets them from the person's
   * sign-in: a district dispatcher's district): dispatch refuses a change to
   * a case outside all of them. Absent: anywhere (the platform's own callers).
   */
  @WithinAreas() areas?: string[];
}
