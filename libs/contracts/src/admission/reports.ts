import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, ValidateNested } from 'class-validator';
import { defineEndpoint } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { AREA_CODE, AREA_CODE_OPTIONS } from '../grid/areas.js';
import { IsCalendarDate } from '../grid/workers.js';

/*
 * Burden reduction (减负) in figures: what departments asked to push down,
 * what was admitted and refused, what came off the lists, and what dispatch
 * turned away at the gate; and, for display in a community, the certificates
 * (证明事项) and nameplates (机制牌子) it may carry.
 */

export class BurdenReportRequest {
  /** This area and every area below it. */
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) areaCode: string;
  /** First and last China-time day, inclusive. */
  @IsCalendarDate() from: string;
  @IsCalendarDate() to: string;
}

export class ItemCount {
  @IsString() itemCode: string;
  @IsInt() count: number;
}

export class BurdenFigures {
  /** Applications submitted for the first time in the period. */
  @IsInt() applicationsReceived: number;
  @IsInt() applicationsApproved: number;
  @IsInt() applicationsRefused: number;
  @IsInt() applicationsReturned: number;
  /** Entries that left an admitted list with a version published in the period. */
  @IsInt() itemsRemoved: number;
  /** Tasks dispatch refused to push down (NOT_ADMITTED) in the period. */
  @IsInt() pushesRefused: number;
}

export class AreaBurdenFigures extends BurdenFigures {
  @IsString() areaCode: string;
}

export class BurdenReport extends BurdenFigures {
  @IsString() areaCode: string;
  @IsString() from: string;
  @IsString() to: string;
  /** The same figures for each area directly below. */
  @ValidateNested({ each: true }) @Type(() => AreaBurdenFigures) byChildArea: AreaBurdenFigures[];
  /** Refused pushes by item, most first. */
  @ValidateNested({ each: true }) @Type(() => ItemCount) pushesRefusedByItem: ItemCount[];
}

export class DisplayRequest {
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) communityCode: string;
  /** The China-time day (default today). */
  @IsOptional() @IsCalendarDate() on?: string;
}

export class DisplayItem {
  @IsString() itemCode: string;
  @IsString() name: string;
  @IsString() department: string;
  @IsString() legalBasis: string;
}

export class CommunityDisplay {
  @IsString() communityCode: string;
  @IsString() on: string;
  /** Certificate items (证明事项) admitted at the community level there. */
  @ValidateNested({ each: true }) @Type(() => DisplayItem) certificates: DisplayItem[];
  /** Nameplates (机制牌子) admitted there: the only ones it may put up. */
  @ValidateNested({ each: true }) @Type(() => DisplayItem) nameplates: DisplayItem[];
}

export const admissionReportSubjects = {
  burden: defineEndpoint({
    service: 'admission',
    aggregate: 'report',
    action: 'burden',
    summary: "Burden-reduction figures for an area's subtree and a period, with each child area's and refused pushes by item.",
    request: BurdenReportRequest,
    reply: BurdenReport,
    errors: [ErrorCode.NOT_FOUND],
  }),
  display: defineEndpoint({
    service: 'admission',
    aggregate: 'report',
    action: 'display',
    summary: 'The certificates and nameplates a community may carry on a day, for display.',
    request: DisplayRequest,
    reply: CommunityDisplay,
    errors: [ErrorCode.NOT_FOUND],
  }),
};
