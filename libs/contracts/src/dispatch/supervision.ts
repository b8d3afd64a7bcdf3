import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { defineEndpoint, defineEvent } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { AREA_CODE } from '../grid/areas.js';
import { CaseCommand } from './cases.js';
import { Actor, CaseOwner, DEADLINES, FLAGS, type Deadline, type Flag } from './common.js';

/*
 * Time-limited completion and unified supervision (限时办结, 统一督办).
 *
 * Every assigned case has two deadlines: to claim it (签收, `accept`) while it
 * is assigned or reopened, and to resolve it (办结, `complete`) while it is
 * assigned, reopened or in progress. The owner is reminded once per deadline
 * when a set share of the time has passed (80% by default); a missed deadline
 * escalates the case one level up with new deadlines and a yellow flag, a
 * second miss with a red one (at the district, the top level, the case stays
 * and is flagged). An upper level or the platform may issue a supervision
 * order (督办) on an open case, optionally with a tighter deadline.
 */



/** Who may issue a supervision order: a township or district, above the case's owner, or the platform. */
export const SUPERVISING_LEVELS = ['township', 'district', 'platform'] as const;
export type SupervisingLevel = (typeof SUPERVISING_LEVELS)[number];

export class SupervisionIssuer {
  @IsIn(SUPERVISING_LEVELS) level: SupervisingLevel;
  /** The township's or district's code: it must be the case's area at that level. Absent for the platform. */
  @IsOptional() @Matches(AREA_CODE, { message: 'areaCode must be an area code' }) areaCode?: string;
}

export class SuperviseCaseRequest extends CaseCommand {
  /** The level issuing the order; the gateway checks the person's scope, dispatch that the level is above the owner. */
  @IsDefined({ message: 'issuer is required: { level, areaCode }' }) @IsObject() @ValidateNested() @Type(() => SupervisionIssuer) issuer: SupervisionIssuer;
  /** What the upper level demands, e.g. "resolve by tomorrow noon and report back". */
  @IsString() @Length(1, 1000) note: string;
  /** A tighter completion deadline (ISO 8601 instant): in the future and earlier than the current one. */
  @IsOptional() @IsISO8601({ strict: true }, { message: 'completeDueAt must be an ISO 8601 instant' }) completeDueAt?: string;
}

export class SupervisionOrder {
  @IsUUID() id: string;
  @IsUUID() caseId: string;
  @IsString() caseNumber: string;
  @IsDefined({ message: 'issuer is required: { level, areaCode }' }) @IsObject() @ValidateNested() @Type(() => SupervisionIssuer) issuer: SupervisionIssuer;
  @IsObject() @ValidateNested() @Type(() => Actor) actor: Actor;
  @IsString() note: string;
  /** The owner the order was addressed to. */
  @IsObject() @ValidateNested() @Type(() => CaseOwner) owner: CaseOwner;
  /** The tighter completion deadline the order set, and the one it replaced. */
  @IsOptional() @IsString() completeDueAt?: string;
  @IsOptional() @IsString() previousCompleteDueAt?: string;
  @IsString() issuedAt: string;
}

export class ListSupervisionOrdersRequest {
  /** Orders on one case. */
  @IsOptional() @IsUUID() caseId?: string;
  /** Orders on cases anywhere under this area (district, township, community or grid). */
  @IsOptional() @Matches(AREA_CODE, { message: 'areaCode must be an area code' }) areaCode?: string;
  /** Orders addressed to this department. */
  @IsOptional() @IsString() @Length(1, 40) ownerDepartment?: string;
  /** Start after this order id (paging, newest first). */
  @IsOptional() @IsUUID() after?: string;
  @IsOptional() @IsInt() @Min(1) @Max(200) limit?: number;
}

export class SupervisionOrderPage {
  @ValidateNested({ each: true }) @Type(() => SupervisionOrder) items: SupervisionOrder[];
  @IsOptional() @IsString() nextAfter?: string;
}

/** Facts every deadline event carries, so a notifier needs nothing else to address it. */
export class DeadlineEvent {
  @IsUUID() caseId: string;
  @IsString() number: string;
  /** Who is to act: the owner reminded, escalated to, flagged or supervised. */
  @IsDefined() @IsObject() @ValidateNested() @Type(() => CaseOwner) owner: CaseOwner;
  @IsString() categoryCode: string;
  @IsOptional() @IsString() gridCode?: string;
  @IsString() at: string;
}

export class CaseReminded extends DeadlineEvent {
  @IsIn(DEADLINES) deadline: Deadline;
  @IsString() dueAt: string;
}

export class CaseEscalated extends DeadlineEvent {
  /** The owner who missed the deadline. */
  @IsOptional() @IsObject() @ValidateNested() @Type(() => CaseOwner) previousOwner?: CaseOwner;
  @IsArray() @ArrayMinSize(1) @IsIn(DEADLINES, { each: true }) missed: Deadline[];
  @IsIn(FLAGS) flag: Flag;
  /** The new owner's deadlines. */
  @IsString() acceptDueAt: string;
  @IsString() completeDueAt: string;
  @IsString() reason: string;
}

export class CaseFlagged extends DeadlineEvent {
  @IsIn(FLAGS) flag: Flag;
  @IsArray() @ArrayMinSize(1) @IsIn(DEADLINES, { each: true }) missed: Deadline[];
  /** False at the top level (or with no area to climb): the case stayed with its owner. */
  @IsBoolean() escalated: boolean;
  /** Deadlines missed over the case's life, this one included. */
  @IsInt() overdueCount: number;
  @IsString() reason: string;
}

export class CaseSupervised extends DeadlineEvent {
  @IsDefined() @IsObject() @ValidateNested() @Type(() => SupervisionOrder) order: SupervisionOrder;
  /** The case's deadlines after the order. */
  @IsOptional() @IsString() acceptDueAt?: string;
  @IsOptional() @IsString() completeDueAt?: string;
}

const service = 'dispatch';

/** Supervision on a case (`case.supervise` and the deadline events), which joins the case's catalogue. */
export const supervisionCaseSubjects = {
  supervise: defineEndpoint({
    service,
    aggregate: 'case',
    action: 'supervise',
    summary:
      'A supervision order (督办) from a township or district above the owner, or from the platform, on an assigned, reopened or in-progress case, with a note and optionally a tighter completion deadline.',
    request: SuperviseCaseRequest,
    reply: SupervisionOrder,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  reminded: defineEvent({
    service,
    aggregate: 'case',
    event: 'reminded',
    summary: "A case's owner is reminded that its claim or completion deadline is near (once per deadline).",
    payload: CaseReminded,
  }),
  escalated: defineEvent({
    service,
    aggregate: 'case',
    event: 'escalated',
    summary: 'A case missed a deadline and went up one level to a new owner with new deadlines.',
    payload: CaseEscalated,
  }),
  flagged: defineEvent({
    service,
    aggregate: 'case',
    event: 'flagged',
    summary: 'A case missed a deadline: yellow the first time, red after; says whether it was escalated or stayed at the top.',
    payload: CaseFlagged,
  }),
  supervised: defineEvent({
    service,
    aggregate: 'case',
    event: 'supervised',
    summary: 'A supervision order (督办) was issued on a case, addressed to its owner.',
    payload: CaseSupervised,
  }),
};

/** Supervision orders (`supervision.*`). */
export const supervisionSubjects = {
  list: defineEndpoint({
    service,
    aggregate: 'supervision',
    action: 'list',
    summary: 'Supervision orders by case, area or owning department, newest first; a department system sees only those addressed to it.',
    request: ListSupervisionOrdersRequest,
    reply: SupervisionOrderPage,
    departments: true,
  }),
};
