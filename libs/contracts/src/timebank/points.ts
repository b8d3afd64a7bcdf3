import { Type } from 'class-transformer';
import { ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsDefined, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { defineEndpoint, defineEvent } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { AREA_CODE, AREA_CODE_OPTIONS } from '../grid/areas.js';
import { SATISFACTION, type Satisfaction } from '../dispatch/cases.js';
import { TimebankActor } from './common.js';
import { TAG } from './volunteers.js';

/*
 * Earning rules of the moral bank (道德银行积分), configured per area: points
 * per verified hour of service, per good deed of a kind, and for a courier's
 * whistle report (小哥吹哨) that dispatch closed with an outcome the rule
 * counts; each with an optional cap per period. The rule of the nearest area
 * on the way up from where it happened applies. Points come from that
 * area's points pool.
 */

/** `service-hour`: per verified hour of an activity; `deed`: per good deed of a kind; `courier-whistle`: per counted whistle report. */
export const EARNING_KINDS = ['service-hour', 'deed', 'courier-whistle'] as const;
export type EarningKind = (typeof EARNING_KINDS)[number];

/** Periods a cap counts over, in China time: a day, an ISO week (from Monday), a month, a year. */
export const CAP_PERIODS = ['day', 'week', 'month', 'year'] as const;
export type CapPeriod = (typeof CAP_PERIODS)[number];

export class DefineEarningRuleRequest {
  /** The rule's id: defining it again updates it. */
  @IsUUID() id: string;
  /** The area it applies in and below (a district's rule holds in its communities unless one has its own). */
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) areaCode: string;
  @IsIn(EARNING_KINDS) kind: EarningKind;
  /** kind `deed`: which good deed, e.g. `help-elder`. */
  @IsOptional() @Matches(TAG, { message: 'deedCode must be a deed word, e.g. help-elder' }) deedCode?: string;
  /** Points for each whole verified hour (kind service-hour), each deed (deed) or each counted report (courier-whistle). */
  @IsInt() @Min(1) @Max(100_000) points: number;
  /** Most points one volunteer earns by this rule per period; absent: no cap. */
  @IsOptional() @IsInt() @Min(1) @Max(10_000_000) cap?: number;
  @IsOptional() @IsIn(CAP_PERIODS) capPeriod?: CapPeriod;
  /** Points awarded by this rule lapse this many days after the award, as far as the volunteer still has them (an expiry transfer back to the pool); absent: never. */
  @IsOptional() @IsInt() @Min(1) @Max(3_660) expiresAfterDays?: number;
  /**
   * kind courier-whistle: which closures count, by the reporter's
   * satisfaction (default satisfied and basically-satisfied); a case closed
   * as a duplicate never counts.
   */
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayUnique() @IsIn(SATISFACTION, { each: true }) outcomes?: Satisfaction[];
  @IsOptional() @IsBoolean() active?: boolean;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TimebankActor) actor: TimebankActor;
}

export class EarningRule {
  @IsUUID() id: string;
  @IsString() areaCode: string;
  @IsIn(EARNING_KINDS) kind: EarningKind;
  @IsOptional() @IsString() deedCode?: string;
  @IsInt() points: number;
  @IsOptional() @IsInt() cap?: number;
  @IsOptional() @IsIn(CAP_PERIODS) capPeriod?: CapPeriod;
  @IsOptional() @IsInt() expiresAfterDays?: number;
  @IsOptional() @IsArray() @IsString({ each: true }) outcomes?: Satisfaction[];
  @IsBoolean() active: boolean;
}

export class ListEarningRulesRequest {
  /** Rules of this area and the areas above it (those that may apply there). */
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) areaCode: string;
}

export class EarningRuleList {
  @ValidateNested({ each: true }) @Type(() => EarningRule) items: EarningRule[];
}

export class AwardDeedRequest {
  /** The command's id: the award's and its transfer's. */
  @IsUUID() id: string;
  @IsUUID() volunteerId: string;
  @Matches(TAG, { message: 'deedCode must be a deed word, e.g. help-elder' }) deedCode: string;
  /** Where it was done (default the volunteer's home community): whose rule applies. */
  @IsOptional() @Matches(AREA_CODE, AREA_CODE_OPTIONS) areaCode?: string;
  @IsString() @Length(1, 500) description: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TimebankActor) actor: TimebankActor;
}

export class PointsAward {
  /** The award's id; its ledger transfer has the same. */
  @IsUUID() id: string;
  @IsUUID() volunteerId: string;
  @IsUUID() ruleId: string;
  @IsIn(EARNING_KINDS) kind: EarningKind;
  /** Points deposited: the rule's, cut to what its cap leaves (0: the cap is reached, nothing moved). */
  @IsInt() points: number;
  /** The cause, e.g. `activity:…`, `deed:…`, `case:…`. */
  @IsString() reference: string;
  @IsString() awardedAt: string;
  /** When its points lapse, if its rule lets them. */
  @IsOptional() @IsString() expiresAt?: string;
  /** Once lapsed: how many of its points the expiry took back (what the volunteer still had of them). */
  @IsOptional() @IsInt() expiredPoints?: number;
}

export class PointsEarned {
  @IsDefined() @IsObject() @ValidateNested() @Type(() => PointsAward) award: PointsAward;
  @IsString() areaCode: string;
}

const service = 'timebank';

export const earningRuleSubjects = {
  define: defineEndpoint({
    service,
    aggregate: 'earning-rule',
    action: 'define',
    summary: 'Defines or updates an earning rule of an area: points per hour, per deed or per counted whistle report, with a cap per period.',
    request: DefineEarningRuleRequest,
    reply: EarningRule,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  list: defineEndpoint({
    service,
    aggregate: 'earning-rule',
    action: 'list',
    summary: 'The earning rules that may apply in an area: its own and those of the areas above.',
    request: ListEarningRulesRequest,
    reply: EarningRuleList,
    errors: [ErrorCode.NOT_FOUND],
  }),
};

export const pointsSubjects = {
  awardDeed: defineEndpoint({
    service,
    aggregate: 'points',
    action: 'award-deed',
    summary: 'Awards a volunteer the points the nearest deed rule gives for a good deed, within its cap; again with the same id answers the first award.',
    request: AwardDeedRequest,
    reply: PointsAward,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  earned: defineEvent({
    service,
    aggregate: 'points',
    event: 'earned',
    summary: 'A volunteer earned points by a rule (for service hours, a deed or a whistle report).',
    payload: PointsEarned,
  }),
};
