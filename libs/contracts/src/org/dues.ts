import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min, ValidateIf, ValidateNested, IsObject } from 'class-validator';
import { defineEndpoint } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { IsCalendarDate } from '../grid/workers.js';
import { OrgActor, OrgViewer } from './common.js';

/*
 * Party dues (党费): each member's calculation basis, a monthly roll per
 * member with the amount due and paid, late payments and an organization's
 * totals. Every amount is in integer fen (分), never a float.
 */

/** `income`: a share of monthly income by the tiers below; `fixed`: a set amount (students, retirees on low pay...); `exempt`: nothing due (hardship, approved). */
export const DUES_RULES = ['income', 'fixed', 'exempt'] as const;
export type DuesRule = (typeof DUES_RULES)[number];

/** Monthly income tiers (fen, upper bound inclusive) and their rate in basis points: up to ¥3,000 0.5%, ¥5,000 1%, ¥10,000 1.5%, above 2%. */
export const DUES_TIERS: readonly { uptoFen: number; rateBp: number }[] = [
  { uptoFen: 300_000, rateBp: 50 },
  { uptoFen: 500_000, rateBp: 100 },
  { uptoFen: 1_000_000, rateBp: 150 },
  { uptoFen: Number.MAX_SAFE_INTEGER, rateBp: 200 },
];

/** A calendar month, `YYYY-MM`. */
export const MONTH = /^[0-9]{4}-(0[1-9]|1[0-2])$/;
const MONTH_OPTIONS = { message: '$property must be a month YYYY-MM' };

export class SetDuesBasisRequest {
  @IsUUID() memberId: string;
  @IsIn(DUES_RULES) rule: DuesRule;
  /** rule `income`: monthly income (after tax and deductions), fen. */
  @ValidateIf((o: SetDuesBasisRequest) => o.rule === 'income' || o.monthlyIncomeFen !== undefined) @IsInt() @Min(0) @Max(100_000_000_00) monthlyIncomeFen?: number;
  /** rule `fixed`: the monthly amount, fen. */
  @ValidateIf((o: SetDuesBasisRequest) => o.rule === 'fixed' || o.fixedFen !== undefined) @IsInt() @Min(1) @Max(10_000_000) fixedFen?: number;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => OrgActor) actor: OrgActor;
}

export class DuesBasis {
  @IsUUID() memberId: string;
  @IsIn(DUES_RULES) rule: DuesRule;
  @IsOptional() @IsInt() monthlyIncomeFen?: number;
  @IsOptional() @IsInt() fixedFen?: number;
  /** What one month comes to under this basis. */
  @IsInt() monthlyDueFen: number;
}

export class RollDuesRequest {
  /** Current members of this organization and every one below it. */
  @IsUUID() organizationId: string;
  @Matches(MONTH, MONTH_OPTIONS) month: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => OrgActor) actor: OrgActor;
}

export class RollResult {
  @IsString() month: string;
  /** Members put on the month's roll by this call. */
  @IsInt() added: number;
  /** Members on the roll already (rolling again adds only the missing). */
  @IsInt() alreadyRolled: number;
  /** Current members without a basis, left off until one is set. */
  @IsUUID('all', { each: true }) withoutBasis: string[];
}

export class PayDuesRequest {
  @IsUUID() memberId: string;
  @Matches(MONTH, MONTH_OPTIONS) month: string;
  @IsInt() @Min(1) @Max(10_000_000) amountFen: number;
  @IsCalendarDate() paidOn: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => OrgActor) actor: OrgActor;
}

export class DuesEntry {
  @IsUUID() memberId: string;
  @IsString() memberName: string;
  @IsUUID() organizationId: string;
  @IsString() month: string;
  @IsIn(DUES_RULES) rule: DuesRule;
  @IsInt() dueFen: number;
  @IsInt() paidFen: number;
  @IsOptional() @IsString() paidOn?: string;
  /** Paid (in full) after the month ended, or not paid in full and the month is over. */
  @IsIn(['paid', 'partly-paid', 'unpaid', 'paid-late', 'overdue']) state: 'paid' | 'partly-paid' | 'unpaid' | 'paid-late' | 'overdue';
}

export class DuesReportRequest {
  @IsUUID() organizationId: string;
  @Matches(MONTH, MONTH_OPTIONS) month: string;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => OrgViewer) viewer?: OrgViewer;
}

export class DuesReport {
  @IsString() month: string;
  @IsInt() members: number;
  @IsInt() dueFen: number;
  @IsInt() paidFen: number;
  @IsInt() outstandingFen: number;
  @IsInt() paidLate: number;
  /** Entries not paid in full, most outstanding first. */
  @ValidateNested({ each: true }) @Type(() => DuesEntry) outstanding: DuesEntry[];
}

const service = 'org';
const aggregate = 'dues';

export const orgDuesSubjects = {
  setBasis: defineEndpoint({
    service,
    aggregate,
    action: 'set-basis',
    summary: "Sets how a member's monthly dues are calculated (share of income by tier, a fixed amount, or exempt).",
    request: SetDuesBasisRequest,
    reply: DuesBasis,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  roll: defineEndpoint({
    service,
    aggregate,
    action: 'roll',
    summary: "Puts a subtree's current members on a month's dues roll with the amount due (again: only those missing).",
    request: RollDuesRequest,
    reply: RollResult,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN],
  }),
  pay: defineEndpoint({
    service,
    aggregate,
    action: 'pay',
    summary: "Records a payment against a member's month on the roll (never more than is due).",
    request: PayDuesRequest,
    reply: DuesEntry,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  report: defineEndpoint({
    service,
    aggregate,
    action: 'report',
    summary: "A month's dues in a subtree: totals due and paid, late payments, and who still owes how much.",
    request: DuesReportRequest,
    reply: DuesReport,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN],
  }),
};
