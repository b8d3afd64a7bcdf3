import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateNested, IsObject } from 'class-validator';
import { defineEndpoint, defineEvent } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { OrgActor, OrgViewer } from './common.js';

/*
 * Relationship transfers (组织关系转接): a member's organizational
 * relationship moves from one organization to another, also across
 * districts, when the receiving side accepts it; and the one approval record
 * every workflow of the service writes (transfer, conversion, joining).
 */

export const TRANSFER_STATES = ['requested', 'accepted', 'refused', 'timed-out'] as const;
export type TransferState = (typeof TRANSFER_STATES)[number];

export class RequestTransferRequest {
  @IsUUID() memberId: string;
  @IsUUID() toOrganizationId: string;
  @IsString() @Length(1, 500) reason: string;
  /** Days the receiving side has to answer before the transfer times out; default 30. */
  @IsOptional() @IsInt() @Min(1) @Max(90) respondWithinDays?: number;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => OrgActor) actor: OrgActor;
}

export class DecideTransferRequest {
  @IsUUID() id: string;
  /** Why (required to refuse; a note when accepting). */
  @IsOptional() @IsString() @Length(1, 500) reason?: string;
  /** Someone of the receiving side (within its areas). */
  @IsDefined() @IsObject() @ValidateNested() @Type(() => OrgActor) actor: OrgActor;
}

export class RefuseTransferRequest {
  @IsUUID() id: string;
  @IsString() @Length(1, 500) reason: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => OrgActor) actor: OrgActor;
}

export class Transfer {
  @IsUUID() id: string;
  @IsUUID() memberId: string;
  @IsUUID() fromOrganizationId: string;
  @IsUUID() toOrganizationId: string;
  /** The two organizations lie in different districts (跨区转接). */
  @IsBoolean() crossDistrict: boolean;
  @IsIn(TRANSFER_STATES) state: TransferState;
  @IsString() reason: string;
  @IsString() requestedBy: string;
  @IsString() requestedAt: string;
  /** When it times out if the receiving side has not answered. */
  @IsString() dueAt: string;
  @IsOptional() @IsString() settledAt?: string;
}

export class TransferRequest {
  @IsUUID() id: string;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => OrgViewer) viewer?: OrgViewer;
}

export class TransferHistoryRequest {
  @IsUUID() memberId: string;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => OrgViewer) viewer?: OrgViewer;
}

export class TransferList {
  @ValidateNested({ each: true }) @Type(() => Transfer) items: Transfer[];
}

export const WORKFLOWS = ['transfer', 'conversion', 'joining'] as const;
export type Workflow = (typeof WORKFLOWS)[number];
export const DECISIONS = ['pass', 'return', 'refuse'] as const;
export type Decision = (typeof DECISIONS)[number];

/** One decision in a workflow: who, at which step, pass, return or refuse, why, when. */
export class ApprovalRecord {
  @IsUUID() id: string;
  @IsIn(WORKFLOWS) workflow: Workflow;
  /** The transfer's id, or the member's (conversion) or the applicant's (joining). */
  @IsUUID() subjectId: string;
  /** e.g. `receiving-organization`, `branch-assembly`, `higher-committee`. */
  @IsString() step: string;
  @IsIn(DECISIONS) decision: Decision;
  @IsString() reason: string;
  @IsString() actorId: string;
  @IsOptional() @IsString() actorName?: string;
  @IsString() decidedAt: string;
}

export class ApprovalsRequest {
  @IsUUID() subjectId: string;
  @IsOptional() @IsIn(WORKFLOWS) workflow?: Workflow;
}

export class ApprovalList {
  @ValidateNested({ each: true }) @Type(() => ApprovalRecord) items: ApprovalRecord[];
}

export class TransferSettled {
  @IsDefined() @ValidateNested() @Type(() => Transfer) transfer: Transfer;
}

const service = 'org';

export const orgTransferSubjects = {
  request: defineEndpoint({
    service,
    aggregate: 'transfer',
    action: 'request',
    summary: "Asks another organization to take a member's organizational relationship (refused to the member's own organization or for a member who has left).",
    request: RequestTransferRequest,
    reply: Transfer,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  accept: defineEndpoint({
    service,
    aggregate: 'transfer',
    action: 'accept',
    summary: 'The receiving side accepts a transfer: the member moves there.',
    request: DecideTransferRequest,
    reply: Transfer,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  refuse: defineEndpoint({
    service,
    aggregate: 'transfer',
    action: 'refuse',
    summary: 'The receiving side refuses a transfer, saying why: the member stays.',
    request: RefuseTransferRequest,
    reply: Transfer,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  get: defineEndpoint({ service, aggregate: 'transfer', action: 'get', summary: 'One transfer.', request: TransferRequest, reply: Transfer, errors: [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN] }),
  history: defineEndpoint({
    service,
    aggregate: 'transfer',
    action: 'history',
    summary: "A member's transfers, oldest first.",
    request: TransferHistoryRequest,
    reply: TransferList,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN],
  }),
  settled: defineEvent({ service, aggregate: 'transfer', event: 'settled', summary: 'A transfer was accepted, refused or timed out.', payload: TransferSettled }),
};

export const orgApprovalSubjects = {
  list: defineEndpoint({
    service,
    aggregate: 'approval',
    action: 'list',
    summary: "The decisions on one workflow's subject (a transfer, a member's conversion, an applicant), oldest first.",
    request: ApprovalsRequest,
    reply: ApprovalList,
  }),
};
