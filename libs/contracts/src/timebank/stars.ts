import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateNested } from 'class-validator';
import { defineEndpoint, defineEvent } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { TimebankActor } from './common.js';

/*
 * Star-rated volunteers (星级志愿者认定): a volunteer's star comes from their
 * verified lifetime hours, against thresholds an admin sets, each star with
 * its courtesy benefits (礼遇十条). Reaching a higher star is announced.
 */

export class StarLevel {
  /** 1 for one star, up to 5. */
  @IsInt() @Min(1) @Max(5) star: number;
  /** Verified lifetime minutes from which a volunteer holds it. */
  @IsInt() @Min(1) @Max(100_000_000) minutes: number;
  /** The courtesy benefits (礼遇) a holder of this star enjoys, e.g. `priority at the community clinic`. */
  @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) @Length(1, 200, { each: true }) benefits: string[];
}

export class SetStarLevelsRequest {
  /** The whole scale: stars 1, 2, … in order, each needing more minutes than the one below. */
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(5) @ValidateNested({ each: true }) @Type(() => StarLevel) levels: StarLevel[];
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TimebankActor) actor: TimebankActor;
}

export class StarLevels {
  @ValidateNested({ each: true }) @Type(() => StarLevel) levels: StarLevel[];
}

export class GetStarLevelsRequest {}

export class GetVolunteerStarRequest {
  @IsUUID() volunteerId: string;
}

export class VolunteerStar {
  @IsUUID() volunteerId: string;
  /** 0: no star yet. */
  @IsInt() star: number;
  @IsInt() lifetimeMinutes: number;
  @IsArray() @IsString({ each: true }) benefits: string[];
  /** Minutes the next star needs, when there is one above. */
  @IsOptional() @IsInt() nextStarMinutes?: number;
  @IsOptional() @IsString() reachedAt?: string;
}

export class StarReached {
  @IsUUID() volunteerId: string;
  @IsInt() star: number;
  @IsInt() previousStar: number;
  @IsInt() lifetimeMinutes: number;
  @IsArray() @IsString({ each: true }) benefits: string[];
  @IsString() reachedAt: string;
}

const service = 'timebank';

export const starSubjects = {
  setLevels: defineEndpoint({
    service,
    aggregate: 'star',
    action: 'set-levels',
    summary: 'Sets the star scale: verified lifetime minutes each star needs, and its courtesy benefits.',
    request: SetStarLevelsRequest,
    reply: StarLevels,
    errors: [ErrorCode.FORBIDDEN],
  }),
  levels: defineEndpoint({ service, aggregate: 'star', action: 'levels', summary: 'The star scale.', request: GetStarLevelsRequest, reply: StarLevels }),
  get: defineEndpoint({
    service,
    aggregate: 'star',
    action: 'get',
    summary: "A volunteer's star, lifetime verified minutes and benefits.",
    request: GetVolunteerStarRequest,
    reply: VolunteerStar,
    errors: [ErrorCode.NOT_FOUND],
  }),
  reached: defineEvent({ service, aggregate: 'star', event: 'reached', summary: 'A volunteer rose to a higher star.', payload: StarReached }),
};
