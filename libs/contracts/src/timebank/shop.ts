import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { defineEndpoint, defineEvent } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { AREA_CODE, AREA_CODE_OPTIONS } from '../grid/areas.js';
import { MAX_AMOUNT, TimebankActor } from './common.js';

/*
 * The points shop (积分兑换): a community's rewards, each with its stock and
 * a limit per person. Redeeming reserves the stock and the points together
 * (a pending ledger transfer from the volunteer's points account to the
 * community's shop account); pickup posts both, cancellation or the pickup
 * deadline voids both.
 */

/** Longest a reservation may wait for pickup: 30 days. */
export const MAX_PICKUP_SECONDS = 30 * 24 * 3600;
/** Default wait for pickup: three days. */
export const DEFAULT_PICKUP_SECONDS = 3 * 24 * 3600;
export const MAX_REWARD_PAGE = 500;

export const REDEMPTION_STATES = ['reserved', 'picked-up', 'cancelled', 'expired'] as const;
export type RedemptionState = (typeof REDEMPTION_STATES)[number];

export class DefineRewardRequest {
  /** The reward's id: defining it again updates it. */
  @IsUUID() id: string;
  /** The community whose shop offers it (an area code of the grid service). */
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) communityCode: string;
  @IsString() @Length(1, 200) name: string;
  /** Its price in points, per piece. */
  @IsInt() @Min(1) @Max(MAX_AMOUNT) points: number;
  /** How many pieces there are in all (issued and reserved ones included); never below what is already issued and reserved. */
  @IsInt() @Min(0) @Max(1_000_000) stock: number;
  /** Most pieces one person may hold (reserved and picked up); absent: no limit. */
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000) perPersonLimit?: number;
  /** How long a reservation waits for pickup before it expires; default three days. */
  @IsOptional() @IsInt() @Min(1) @Max(MAX_PICKUP_SECONDS) pickupSeconds?: number;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TimebankActor) actor: TimebankActor;
}

export class Reward {
  @IsUUID() id: string;
  @IsString() communityCode: string;
  @IsString() name: string;
  @IsInt() points: number;
  @IsInt() stock: number;
  /** Pieces held by reservations waiting for pickup. */
  @IsInt() reserved: number;
  /** Pieces picked up. */
  @IsInt() issued: number;
  /** stock − reserved − issued. */
  @IsInt() available: number;
  @IsOptional() @IsInt() perPersonLimit?: number;
  @IsInt() pickupSeconds: number;
  /** The community shop's points account, which redemptions credit. */
  @IsUUID() shopAccountId: string;
}

export class GetRewardRequest {
  @IsUUID() id: string;
}

export class ListRewardsRequest {
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) communityCode: string;
  @IsOptional() @IsUUID() after?: string;
  @IsOptional() @IsInt() @Min(1) @Max(MAX_REWARD_PAGE) limit?: number;
}

export class RewardPage {
  @ValidateNested({ each: true }) @Type(() => Reward) items: Reward[];
  @IsOptional() @IsString() nextAfter?: string;
}

export class RedeemRequest {
  /** The command's and the redemption's id (and its pending transfer's). */
  @IsUUID() id: string;
  @IsUUID() rewardId: string;
  /** The volunteer's points account the points come from. */
  @IsUUID() accountId: string;
  @IsOptional() @IsInt() @Min(1) @Max(1_000) quantity?: number;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TimebankActor) actor: TimebankActor;
}

export class ResolveRedemptionRequest {
  /** The command's id (and the id of the ledger transfer that posts or voids the reservation). */
  @IsUUID() id: string;
  @IsUUID() redemptionId: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TimebankActor) actor: TimebankActor;
}

export class Redemption {
  @IsUUID() id: string;
  @IsUUID() rewardId: string;
  @IsUUID() accountId: string;
  @IsInt() quantity: number;
  @IsInt() points: number;
  @IsIn(REDEMPTION_STATES) state: RedemptionState;
  /** The pending ledger transfer holding the points (its id is the redemption's). */
  @IsUUID() transferId: string;
  /** The transfer that posted or voided it, once resolved. */
  @IsOptional() @IsUUID() resolvedBy?: string;
  @IsString() pickupBy: string;
  @IsString() redeemedAt: string;
  @IsOptional() @IsString() resolvedAt?: string;
}

export class GetRedemptionRequest {
  @IsUUID() id: string;
}

export class ListRedemptionsRequest {
  @IsOptional() @IsUUID() rewardId?: string;
  @IsOptional() @IsUUID() accountId?: string;
  @IsOptional() @IsIn(REDEMPTION_STATES) state?: RedemptionState;
  @IsOptional() @IsUUID() after?: string;
  @IsOptional() @IsInt() @Min(1) @Max(MAX_REWARD_PAGE) limit?: number;
}

export class RedemptionPage {
  @ValidateNested({ each: true }) @Type(() => Redemption) items: Redemption[];
  @IsOptional() @IsString() nextAfter?: string;
}

export class RewardRedeemed {
  @IsDefined() @IsObject() @ValidateNested() @Type(() => Redemption) redemption: Redemption;
  @IsString() rewardName: string;
  @IsString() communityCode: string;
}

const service = 'timebank';

export const rewardSubjects = {
  define: defineEndpoint({
    service,
    aggregate: 'reward',
    action: 'define',
    summary: "Defines or updates a reward of a community's points shop: price, stock, limit per person.",
    request: DefineRewardRequest,
    reply: Reward,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  get: defineEndpoint({ service, aggregate: 'reward', action: 'get', summary: 'One reward with its stock.', request: GetRewardRequest, reply: Reward, errors: [ErrorCode.NOT_FOUND] }),
  list: defineEndpoint({ service, aggregate: 'reward', action: 'list', summary: "A community's rewards.", request: ListRewardsRequest, reply: RewardPage }),
  redeemed: defineEvent({
    service,
    aggregate: 'reward',
    event: 'redeemed',
    summary: 'A reward was picked up: its points are spent and the piece handed over.',
    payload: RewardRedeemed,
  }),
};

export const redemptionSubjects = {
  redeem: defineEndpoint({
    service,
    aggregate: 'redemption',
    action: 'redeem',
    summary: "Reserves a reward's stock and the volunteer's points together until pickup; again with the same id and content answers the first result.",
    request: RedeemRequest,
    reply: Redemption,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  pickUp: defineEndpoint({
    service,
    aggregate: 'redemption',
    action: 'pick-up',
    summary: 'Hands the reward over: posts the reserved points and the reserved stock, once.',
    request: ResolveRedemptionRequest,
    reply: Redemption,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  cancel: defineEndpoint({
    service,
    aggregate: 'redemption',
    action: 'cancel',
    summary: 'Cancels a reservation: releases its points and stock, once.',
    request: ResolveRedemptionRequest,
    reply: Redemption,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  get: defineEndpoint({ service, aggregate: 'redemption', action: 'get', summary: 'One redemption.', request: GetRedemptionRequest, reply: Redemption, errors: [ErrorCode.NOT_FOUND] }),
  list: defineEndpoint({
    service,
    aggregate: 'redemption',
    action: 'list',
    summary: "Redemptions of a reward or an account's, oldest first.",
    request: ListRedemptionsRequest,
    reply: RedemptionPage,
  }),
};
