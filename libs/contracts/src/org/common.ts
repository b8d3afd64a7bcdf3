import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsOptional, IsString, Length, Matches } from 'class-validator';
import { AREA_CODE } from '../grid/areas.js';

/*
 * What every part of the org service (组织与党员) shares: who acts, and the
 * scope a reader reads within.
 */

/** Someone of an organization department (组织部) or a branch acting: the gateway fills it from the person's sign-in. */
export class OrgActor {
  @IsString() @Length(1, 100) id: string;
  @IsOptional() @IsString() @Length(1, 100) name?: string;
  /**
   * The areas the actor acts within (the gateway sets them from the person's
   * sign-in: a district's organization department, its district): the org
   * service refuses a change to an organization or member outside all of
   * them. Absent: anywhere (the platform's own callers).
   */
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @Matches(AREA_CODE, { each: true, message: 'each of areas must be an area code' }) areas?: string[];
}

/** Who reads: the scope that filters what they see and whether personal data is shown unmasked. */
export class OrgViewer {
  @IsString() @Length(1, 100) id: string;
  /** Only what lies inside one of these areas (the reader's scope, which the gateway sets). Absent: anywhere. */
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @Matches(AREA_CODE, { each: true, message: 'each of areas must be an area code' }) areas?: string[];
  /**
   * The reader may see ID card numbers and phones in full (the gateway sets
   * it from the person's role, e.g. an organization department's member
   * records clerk). Absent or false: they come back masked.
   */
  @IsOptional() @IsBoolean() personalData?: boolean;
}
