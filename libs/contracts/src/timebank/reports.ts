import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { defineEndpoint } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { AREA_CODE, AREA_CODE_OPTIONS } from '../grid/areas.js';
import { IsCalendarDate } from '../grid/workers.js';
import { TimebankActor } from './common.js';

/*
 * What the time bank reports: verified service minutes, points earned and
 * the evaluations of those served, per volunteer, team or community and
 * period (China-time days); leaderboards; and the evaluations themselves.
 * A volunteer counts in their home community.
 */

export const REPORT_GROUPS = ['volunteer', 'team', 'community'] as const;
export type ReportGroup = (typeof REPORT_GROUPS)[number];
export const LEADERBOARD_MEASURES = ['minutes', 'points'] as const;
export type LeaderboardMeasure = (typeof LEADERBOARD_MEASURES)[number];

export class EvaluateServiceRequest {
  /** The evaluation's id: sending it again answers the first. */
  @IsUUID() id: string;
  /** The volunteer who served. */
  @IsUUID() volunteerId: string;
  /** The activity they served in (their hours verified there), or … */
  @IsOptional() @IsUUID() activityId?: string;
  /** … the exchange they completed as provider. */
  @IsOptional() @IsUUID() exchangeId?: string;
  /** 1 (poor) to 5 (excellent). */
  @IsInt() @Min(1) @Max(5) score: number;
  @IsOptional() @IsString() @Length(1, 1000) comment?: string;
  /** The person served (the actor is who records it). */
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TimebankActor) actor: TimebankActor;
}

export class Evaluation {
  @IsUUID() id: string;
  @IsUUID() volunteerId: string;
  @IsOptional() @IsUUID() activityId?: string;
  @IsOptional() @IsUUID() exchangeId?: string;
  @IsInt() score: number;
  @IsOptional() @IsString() comment?: string;
  @IsString() by: string;
  @IsString() at: string;
}

export class TimebankReportRequest {
  /** Volunteers whose home community is this area or below it. */
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) areaCode: string;
  /** First and last China-time day, inclusive. */
  @IsCalendarDate() from: string;
  @IsCalendarDate() to: string;
  @IsIn(REPORT_GROUPS) by: ReportGroup;
}

export class ReportFigures {
  /** Verified service minutes in the period. */
  @IsInt() minutes: number;
  /** Activities whose hours were verified in the period. */
  @IsInt() services: number;
  @IsInt() points: number;
  @IsInt() evaluations: number;
  /** The evaluations' mean score, to two decimals; absent without any. */
  @IsOptional() @IsNumber() averageScore?: number;
}

export class ReportRow extends ReportFigures {
  /** The volunteer's or team's id, or the community's code. */
  @IsString() key: string;
  @IsString() name: string;
}

export class TimebankReport {
  @IsString() areaCode: string;
  @IsString() from: string;
  @IsString() to: string;
  @IsIn(REPORT_GROUPS) by: ReportGroup;
  /** Most minutes first. */
  @ValidateNested({ each: true }) @Type(() => ReportRow) rows: ReportRow[];
  /** All volunteers of the area together (a volunteer in two teams counts once). */
  @IsObject() @ValidateNested() @Type(() => ReportFigures) total: ReportFigures;
}

export class LeaderboardRequest {
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) areaCode: string;
  @IsIn(LEADERBOARD_MEASURES) measure: LeaderboardMeasure;
  /** The period (China-time days, inclusive); absent: all time. */
  @IsOptional() @IsCalendarDate() from?: string;
  @IsOptional() @IsCalendarDate() to?: string;
  @IsOptional() @IsInt() @Min(1) @Max(100) limit?: number;
}

export class LeaderboardEntry {
  /** Equal values share a rank. */
  @IsInt() rank: number;
  @IsUUID() volunteerId: string;
  @IsString() name: string;
  @IsString() homeCommunityCode: string;
  @IsInt() value: number;
}

export class Leaderboard {
  @IsIn(LEADERBOARD_MEASURES) measure: LeaderboardMeasure;
  @ValidateNested({ each: true }) @Type(() => LeaderboardEntry) entries: LeaderboardEntry[];
}

const service = 'timebank';

export const evaluationSubjects = {
  submit: defineEndpoint({
    service,
    aggregate: 'evaluation',
    action: 'submit',
    summary: "Records how a person served rates a volunteer's service in an activity or an exchange.",
    request: EvaluateServiceRequest,
    reply: Evaluation,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
};

export const reportSubjects = {
  hours: defineEndpoint({
    service,
    aggregate: 'report',
    action: 'hours',
    summary: 'Verified minutes, points and evaluation scores per volunteer, team or community of an area in a period.',
    request: TimebankReportRequest,
    reply: TimebankReport,
    errors: [ErrorCode.NOT_FOUND],
  }),
  leaderboard: defineEndpoint({
    service,
    aggregate: 'report',
    action: 'leaderboard',
    summary: 'The volunteers of an area with the most verified minutes or points earned, in a period or all time.',
    request: LeaderboardRequest,
    reply: Leaderboard,
    errors: [ErrorCode.NOT_FOUND],
  }),
};
