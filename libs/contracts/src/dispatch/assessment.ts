import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import { defineEndpoint } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { AREA_CODE, AREA_LEVELS } from '../grid/areas.js';
import { CASE_STATES, type CaseState } from './cases.js';

/*
 * Unified assessment (统一考核) of departments and areas, and the live board
 * of open cases. Figures come from daily rollups kept as the case events
 * happen, never from scanning the cases; a day is the Asia/Shanghai local
 * day. What each measure counts, and on which day it lands:
 *
 * - received: area rows: cases reported in the area, on the day reported.
 *   Department rows: each time a case is given to the department (routed at
 *   intake, assigned by the dispatcher, or sent on by escalation), on that
 *   day; a reopen is not a new receipt.
 * - acceptedOnTime / acceptedLate: claims (签收: assigned or reopened →
 *   in-progress), on the claim's day; on time when at or before the accept
 *   deadline of the assignment in force.
 * - completedOnTime / completedLate: resolutions (in-progress → resolved),
 *   on the day resolved; on time when at or before the completion deadline.
 *   A case resolved again after a reopen counts again.
 * - overdue: assignments whose deadline passed unmet, counted once per
 *   assignment on the day it shows: a late claim, a late resolution, or a
 *   hand-back after the deadline then running (accept before the claim,
 *   complete after it). Open cases already past a deadline are on the live
 *   board until they are acted upon.
 * - handedBack: hand-backs (退回) by the owner, on that day.
 * - reopened: unsatisfied callbacks sending a resolved case back to work
 *   (reopened for the same owner, sent up a level, or back to the
 *   dispatcher), on the callback's day.
 * - satisfied / basicallySatisfied / unsatisfied, callbacks: satisfaction
 *   callbacks (回访) by answer, on the callback's day; satisfactionRate =
 *   (satisfied + basicallySatisfied) / callbacks.
 * - closed, closedFirstTime, closeMinutesTotal: closures on the day closed;
 *   first time = never reopened; averageHoursToClose = closeMinutesTotal /
 *   closed / 60, from report to closure.
 *
 * Department measures go to the department owning the case at the time
 * (for a claim, resolution, hand-back or callback: the owner of the
 * assignment then in force; for a closure: the owner at closure). Area
 * measures go to the case's grid and every area above it (its path: city,
 * district, township, community, grid). Rates are fractions (0..1, four
 * decimals), absent when nothing was counted.
 */

export const STAT_DIMENSIONS = ['department', ...AREA_LEVELS] as const;
export type StatDimension = (typeof STAT_DIMENSIONS)[number];
/** The area dimensions, in the order of a case's area path. */
export const AREA_STAT_DIMENSIONS = AREA_LEVELS;

export const STAT_GROUPINGS = ['day', 'month', 'total'] as const;
export type StatGrouping = (typeof STAT_GROUPINGS)[number];

/** `2026-11` (a whole month) or `2026-11-23` (a day). */
export const STAT_PERIOD = /^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/;
const PERIOD_MESSAGE = 'must be a month (YYYY-MM) or a day (YYYY-MM-DD)';
/** A department code or an area code: both fit the area-code pattern. */
const STAT_KEY = AREA_CODE;
const KEY_MESSAGE = 'key must be a department code or an area code';

/** Longest period one request covers (ten years); a daily breakdown covers at most 366 days. */
export const MAX_STAT_DAYS = 3_660;
export const MAX_STAT_DAYS_BY_DAY = 366;

export class AssessmentRequest {
  @IsIn(STAT_DIMENSIONS) dimension: StatDimension;
  /** A department's code, or the area's code for the area dimensions. */
  @Matches(STAT_KEY, { message: KEY_MESSAGE }) key: string;
  /** The first day or month, inclusive. */
  @Matches(STAT_PERIOD, { message: `from ${PERIOD_MESSAGE}` }) from: string;
  /** The last day or month, inclusive. */
  @Matches(STAT_PERIOD, { message: `to ${PERIOD_MESSAGE}` }) to: string;
  /** Rows per day, per month, or one row for the whole period (the default). */
  @IsOptional() @IsIn(STAT_GROUPINGS) groupBy?: StatGrouping;
}

/** The measures of one key over one period; see the top of this file for what each counts. */
export class AssessmentFigures {
  @IsInt() received: number;
  @IsInt() acceptedOnTime: number;
  @IsInt() acceptedLate: number;
  @IsInt() completedOnTime: number;
  @IsInt() completedLate: number;
  @IsInt() overdue: number;
  @IsInt() handedBack: number;
  @IsInt() reopened: number;
  @IsInt() callbacks: number;
  @IsInt() satisfied: number;
  @IsInt() basicallySatisfied: number;
  @IsInt() unsatisfied: number;
  @IsInt() closed: number;
  @IsInt() closedFirstTime: number;
  @IsInt() closeMinutesTotal: number;
  /** acceptedOnTime / (acceptedOnTime + acceptedLate). */
  @IsOptional() @IsNumber() acceptOnTimeRate?: number;
  /** completedOnTime / (completedOnTime + completedLate). */
  @IsOptional() @IsNumber() completeOnTimeRate?: number;
  /** (satisfied + basicallySatisfied) / callbacks. */
  @IsOptional() @IsNumber() satisfactionRate?: number;
  /** closedFirstTime / closed: closed without ever being reopened (一次办结). */
  @IsOptional() @IsNumber() firstTimeRate?: number;
  /** closeMinutesTotal / closed / 60, two decimals. */
  @IsOptional() @IsNumber() averageHoursToClose?: number;
}

export class AssessmentRow extends AssessmentFigures {
  /** `2026-11-23` (day), `2026-11` (month) or `2026-11-01..2026-11-30` (total). */
  @IsString() period: string;
  @IsString() from: string;
  @IsString() to: string;
}

export class AssessmentReply {
  @IsIn(STAT_DIMENSIONS) dimension: StatDimension;
  @IsString() key: string;
  /** The period as days, inclusive. */
  @IsString() from: string;
  @IsString() to: string;
  @IsIn(STAT_GROUPINGS) groupBy: StatGrouping;
  /** Every day or month of the period in order, zeros included; one row for `total`. */
  @ValidateNested({ each: true }) @Type(() => AssessmentRow) rows: AssessmentRow[];
  @IsObject() @ValidateNested() @Type(() => AssessmentRow) total: AssessmentRow;
}

export const RANKING_MEASURES = [
  'received',
  'acceptOnTimeRate',
  'completeOnTimeRate',
  'satisfactionRate',
  'firstTimeRate',
  'averageHoursToClose',
  'overdue',
  'handedBack',
  'reopened',
  'closed',
] as const;
export type RankingMeasure = (typeof RANKING_MEASURES)[number];

export class RankingRequest {
  @IsIn(STAT_DIMENSIONS) dimension: StatDimension;
  @Matches(STAT_PERIOD, { message: `from ${PERIOD_MESSAGE}` }) from: string;
  @Matches(STAT_PERIOD, { message: `to ${PERIOD_MESSAGE}` }) to: string;
  @IsIn(RANKING_MEASURES) measure: RankingMeasure;
  /** Highest first (the default) or lowest first. */
  @IsOptional() @IsIn(['desc', 'asc']) order?: 'desc' | 'asc';
  /** Area dimensions only: rank just the areas under this one (e.g. the grids of a district). */
  @IsOptional() @Matches(AREA_CODE, { message: 'within must be an area code' }) within?: string;
  @IsOptional() @IsInt() @Min(1) @Max(100) limit?: number;
}

export class RankingItem {
  @IsInt() rank: number;
  @IsString() key: string;
  /** The area's name, for the area dimensions. */
  @IsOptional() @IsString() name?: string;
  @IsNumber() value: number;
  @IsObject() @ValidateNested() @Type(() => AssessmentFigures) figures: AssessmentFigures;
}

export class RankingReply {
  @IsIn(STAT_DIMENSIONS) dimension: StatDimension;
  @IsString() from: string;
  @IsString() to: string;
  @IsIn(RANKING_MEASURES) measure: RankingMeasure;
  /** Keys with nothing to rate (e.g. no callbacks for satisfactionRate) are left out. */
  @ValidateNested({ each: true }) @Type(() => RankingItem) items: RankingItem[];
}

export class LiveBoardRequest {
  /** The area to look into; omitted for the whole city, broken down by district. */
  @IsOptional() @Matches(AREA_CODE, { message: 'areaCode must be an area code' }) areaCode?: string;
}

export class StateCount {
  @IsIn(CASE_STATES) state: CaseState;
  @IsInt() count: number;
}

/** Open cases in an area, now. */
export class BoardArea {
  /** Absent for the whole city. */
  @IsOptional() @IsString() code?: string;
  @IsOptional() @IsString() name?: string;
  @IsOptional() @IsString() level?: string;
  @IsInt() open: number;
  /** Every open state, zeros included, in lifecycle order. */
  @ValidateNested({ each: true }) @Type(() => StateCount) byState: StateCount[];
  /** Not yet claimed (assigned or reopened) and past the accept deadline. */
  @IsInt() acceptOverdue: number;
  /** Not yet resolved (assigned, in-progress or reopened) and past the completion deadline. */
  @IsInt() completeOverdue: number;
  /** Past either deadline (each case once). */
  @IsInt() overdue: number;
  /** Supervision's flags (督办黄牌/红牌). */
  @IsInt() yellow: number;
  @IsInt() red: number;
}

export class LiveBoard {
  @IsString() at: string;
  @IsObject() @ValidateNested() @Type(() => BoardArea) area: BoardArea;
  /** Each child area (the districts, for the whole city), including those with nothing open. */
  @ValidateNested({ each: true }) @Type(() => BoardArea) children: BoardArea[];
  /** Whole city only: open cases with no known grid. */
  @IsOptional() @IsInt() unlocated?: number;
}

const service = 'dispatch';

export const assessmentSubjects = {
  stats: {
    assessment: defineEndpoint({
      service,
      aggregate: 'stats',
      action: 'assessment',
      summary:
        'Unified assessment (统一考核): received, on-time acceptance and completion, overdue, hand-backs, reopens, satisfaction and time to close, for a department or an area over days or months; a department system reads only its own.',
      request: AssessmentRequest,
      reply: AssessmentReply,
      errors: [ErrorCode.FORBIDDEN],
      departments: true,
    }),
    ranking: defineEndpoint({
      service,
      aggregate: 'stats',
      action: 'ranking',
      summary: 'The top departments or areas of a level by one measure over a period.',
      request: RankingRequest,
      reply: RankingReply,
      errors: [ErrorCode.NOT_FOUND],
    }),
  },
  board: {
    live: defineEndpoint({
      service,
      aggregate: 'board',
      action: 'live',
      summary: 'The live board: open cases by state, and overdue and flagged counts per child area, now.',
      request: LiveBoardRequest,
      reply: LiveBoard,
      errors: [ErrorCode.NOT_FOUND],
    }),
  },
};
