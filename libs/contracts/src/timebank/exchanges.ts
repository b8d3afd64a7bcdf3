import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { defineEndpoint } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { AREA_CODE, AREA_CODE_OPTIONS } from '../grid/areas.js';
import { TimebankActor } from './common.js';
import { MAX_SERVICE_MINUTES } from './activities.js';

/*
 * Spending hours (时间银行): a member withdraws hours as a service received
 * from another volunteer — a request, matched to an offer, the minutes
 * reserved from the requester when matched and paid to the provider when
 * the service is done — or gives hours to family; and hours move between
 * communities' banks. Every movement is a ledger transfer under the
 * command's id.
 */

export const EXCHANGE_STATES = ['open', 'matched', 'completed', 'cancelled'] as const;
export type ExchangeState = (typeof EXCHANGE_STATES)[number];

export class RequestServiceRequest {
  /** The request's id. */
  @IsUUID() id: string;
  /** Who wants the service and will pay in minutes. */
  @IsUUID() volunteerId: string;
  @IsString() @Length(1, 1000) description: string;
  /** What it is expected to take. */
  @IsInt() @Min(1) @Max(MAX_SERVICE_MINUTES) minutes: number;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TimebankActor) actor: TimebankActor;
}

export class OfferServiceRequest {
  /** The command's id: the reserving transfer's. */
  @IsUUID() id: string;
  @IsUUID() exchangeId: string;
  /** Who will give the service. */
  @IsUUID() volunteerId: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TimebankActor) actor: TimebankActor;
}

export class CompleteServiceRequest {
  /** The command's id: the paying transfer's. */
  @IsUUID() id: string;
  @IsUUID() exchangeId: string;
  /** The minutes it took, when less than reserved (the rest goes back). */
  @IsOptional() @IsInt() @Min(1) @Max(MAX_SERVICE_MINUTES) minutes?: number;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TimebankActor) actor: TimebankActor;
}

export class CancelServiceRequest {
  /** The command's id: the releasing transfer's, when minutes were reserved. */
  @IsUUID() id: string;
  @IsUUID() exchangeId: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TimebankActor) actor: TimebankActor;
}

export class Exchange {
  @IsUUID() id: string;
  @IsUUID() requesterId: string;
  @IsOptional() @IsUUID() providerId?: string;
  @IsString() description: string;
  @IsInt() minutes: number;
  @IsIn(EXCHANGE_STATES) state: ExchangeState;
  /** The pending transfer reserving the minutes, once matched. */
  @IsOptional() @IsUUID() reservationId?: string;
  /** Completed: the minutes paid. */
  @IsOptional() @IsInt() paidMinutes?: number;
  @IsString() requestedAt: string;
}

export class GetExchangeRequest {
  @IsUUID() id: string;
}

export class GiveHoursRequest {
  /** The command's id: the gift transfer's. */
  @IsUUID() id: string;
  @IsUUID() fromVolunteerId: string;
  /** A family member who volunteers too (their time account receives it). */
  @IsUUID() toVolunteerId: string;
  @IsInt() @Min(1) @Max(100_000) minutes: number;
  @IsOptional() @IsString() @Length(1, 500) note?: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TimebankActor) actor: TimebankActor;
}

export class MoveBetweenBanksRequest {
  /** The command's id: the transfer's. */
  @IsUUID() id: string;
  /** The community whose time bank (pool) sends. */
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) fromCommunityCode: string;
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) toCommunityCode: string;
  @IsInt() @Min(1) @Max(10_000_000) minutes: number;
  @IsString() @Length(1, 500) reason: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TimebankActor) actor: TimebankActor;
}

/** What a gift or a move between banks did: the ledger transfer. */
export class HoursMoved {
  @IsUUID() transferId: string;
  @IsUUID() debitAccountId: string;
  @IsUUID() creditAccountId: string;
  @IsInt() minutes: number;
  @IsString() at: string;
}

const service = 'timebank';
const exchange = (action: string, summary: string, request: new () => object, errors = [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN]) =>
  defineEndpoint({ service, aggregate: 'exchange', action, summary, request, reply: Exchange, errors });

export const exchangeSubjects = {
  request: exchange('request', 'A volunteer asks for a service, to be paid in minutes.', RequestServiceRequest),
  offer: exchange('offer', 'Another volunteer takes the request: the minutes are reserved from the requester.', OfferServiceRequest),
  complete: exchange('complete', 'The service was given: the reserved minutes (or fewer) are paid to the provider, once.', CompleteServiceRequest),
  cancel: exchange('cancel', 'The request is withdrawn; reserved minutes go back, once.', CancelServiceRequest),
  get: exchange('get', 'One exchange.', GetExchangeRequest, [ErrorCode.NOT_FOUND]),
};

export const hoursMoveSubjects = {
  give: defineEndpoint({
    service,
    aggregate: 'hours',
    action: 'give',
    summary: 'Gives hours from a volunteer to a family member’s time account; again with the same id answers the first result.',
    request: GiveHoursRequest,
    reply: HoursMoved,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  moveBetweenBanks: defineEndpoint({
    service,
    aggregate: 'hours',
    action: 'move-between-banks',
    summary: "Moves hours from one community's time bank to another's.",
    request: MoveBetweenBanksRequest,
    reply: HoursMoved,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
};
