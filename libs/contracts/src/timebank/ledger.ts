import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { defineEndpoint } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { AREA_CODE, AREA_CODE_OPTIONS, WithinAreas } from '../grid/areas.js';
import { CURRENCIES, MAX_AMOUNT, TimebankActor, type Currency } from './common.js';

/*
 * The ledger of hours and points, modelled on TigerBeetle's accounts and
 * transfers (and TimeOverflow's two movements per transfer):
 *
 * - an account holds one currency and keeps its four sums (debits and
 *   credits, pending and posted) on its row, changed in the transaction that
 *   records the transfer;
 * - a transfer moves an amount from its debit account to its credit account,
 *   is never changed, and carries a code for its kind and a reference to its
 *   cause;
 * - a pending transfer reserves the amount; exactly one later transfer posts
 *   it (all or part) or voids it, or the timer expires it;
 * - a mistake is undone by a correction, a new transfer the other way;
 * - every command carries its id: sent again with the same content it
 *   answers the first result, with other content CONFLICT.
 */

/** Whose an account is: a volunteer's own, a community's or team's pool, or a points shop. */
export const ACCOUNT_OWNER_KINDS = ['volunteer', 'community', 'team', 'shop'] as const;
export type AccountOwnerKind = (typeof ACCOUNT_OWNER_KINDS)[number];

/**
 * What a transfer is for: `service` hours deposited for service given,
 * `withdrawal` hours spent on a service received, `gift` hours given (to
 * family), `earning-rule` points a rule awards, `redemption` points spent in a
 * shop, `expiry` points that lapsed, `correction` the reversal of a mistake.
 */
export const TRANSFER_CODES = ['service', 'withdrawal', 'gift', 'earning-rule', 'redemption', 'expiry', 'correction'] as const;
export type TransferCode = (typeof TRANSFER_CODES)[number];
/** Codes a caller may give a new transfer: a correction is made only by `transfer.correct`, which names what it reverses. */
export const NEW_TRANSFER_CODES = TRANSFER_CODES.filter((code) => code !== 'correction');

/**
 * `single` posts at once; `pending` reserves; `post`, `void` and `expire`
 * resolve a pending transfer (at most one of them per pending transfer).
 */
export const TRANSFER_KINDS = ['single', 'pending', 'post', 'void', 'expire'] as const;
export type TransferKind = (typeof TRANSFER_KINDS)[number];

/** Where a pending transfer stands: still reserving, or resolved by which. */
export const PENDING_STATES = ['pending', 'posted', 'voided', 'expired'] as const;
export type PendingState = (typeof PENDING_STATES)[number];

/** The cause a transfer refers to, e.g. `activity:0190…`, `redemption:0190…`, `whistle:0190…`. */
export const REFERENCE = /^[a-z][a-z0-9-]{0,39}:[^\s]{1,160}$/;
const REFERENCE_OPTIONS = { message: 'reference must be a cause as kind:id, e.g. activity:0190c1d2-…' };

/** Longest a pending transfer may wait before the timer expires it: 30 days. */
export const MAX_PENDING_TIMEOUT_SECONDS = 30 * 24 * 3600;

/** Most accounts, transfers or entries one page gives. */
export const MAX_LEDGER_PAGE = 500;

export class OpenAccountRequest {
  /** The command's and the account's id: opening again with the same content answers the account. */
  @IsUUID() id: string;
  @IsIn(ACCOUNT_OWNER_KINDS) ownerKind: AccountOwnerKind;
  /** The volunteer's, team's or shop's id; for a community, its area code. */
  @IsString() @Length(1, 100) ownerId: string;
  /** The community the account belongs to (an area code of the grid service): whose operators may take from it. */
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) areaCode: string;
  @IsIn(CURRENCIES) currency: Currency;
  /**
   * Its debits may never exceed its credits: it cannot go below zero,
   * counting what is reserved. Default: true for a volunteer's account, false
   * for a pool or shop (a community's pool issues what its volunteers earn).
   */
  @IsOptional() @IsBoolean() debitsMustNotExceedCredits?: boolean;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TimebankActor) actor: TimebankActor;
}

export class Account {
  @IsUUID() id: string;
  @IsIn(ACCOUNT_OWNER_KINDS) ownerKind: AccountOwnerKind;
  @IsString() ownerId: string;
  @IsString() areaCode: string;
  @IsIn(CURRENCIES) currency: Currency;
  @IsBoolean() debitsMustNotExceedCredits: boolean;
  /** Reserved by pending transfers, not yet posted or voided. */
  @IsInt() debitsPending: number;
  @IsInt() debitsPosted: number;
  @IsInt() creditsPending: number;
  @IsInt() creditsPosted: number;
  /** creditsPosted − debitsPosted. */
  @IsInt() balance: number;
  /** balance − debitsPending: what can still be spent. */
  @IsInt() available: number;
  @IsString() openedAt: string;
}

export class GetAccountRequest {
  @IsUUID() id: string;
  /** The reader's scope (the gateway sets it): FORBIDDEN for an account outside all of these areas. */
  @WithinAreas() withinAreas?: string[];
}

export class ListLedgerAccountsRequest {
  @IsOptional() @IsIn(ACCOUNT_OWNER_KINDS) ownerKind?: AccountOwnerKind;
  @IsOptional() @IsString() @Length(1, 100) ownerId?: string;
  @IsOptional() @Matches(AREA_CODE, AREA_CODE_OPTIONS) areaCode?: string;
  @IsOptional() @IsIn(CURRENCIES) currency?: Currency;
  /** Only accounts of these areas or below them (the reader's scope, which the gateway sets). */
  @WithinAreas() withinAreas?: string[];
  @IsOptional() @IsUUID() after?: string;
  @IsOptional() @IsInt() @Min(1) @Max(MAX_LEDGER_PAGE) limit?: number;
}

export class LedgerAccountPage {
  /** Oldest first. */
  @ValidateNested({ each: true }) @Type(() => Account) items: Account[];
  @IsOptional() @IsString() nextAfter?: string;
}

export class CreateTransferRequest {
  /** The command's and the transfer's id. */
  @IsUUID() id: string;
  /** The account the amount leaves. */
  @IsUUID() debitAccountId: string;
  /** The account it reaches; of the same currency, not the debit account. */
  @IsUUID() creditAccountId: string;
  /** Minutes or points, a whole number above zero. */
  @IsInt() @Min(1) @Max(MAX_AMOUNT) amount: number;
  @IsIn(NEW_TRANSFER_CODES) code: Exclude<TransferCode, 'correction'>;
  @Matches(REFERENCE, REFERENCE_OPTIONS) reference: string;
  /** Reserve only: a later `transfer.post` or `transfer.void` resolves it. */
  @IsOptional() @IsBoolean() pending?: boolean;
  /** Pending only: the timer voids it (as expired) this many seconds after it was made unless resolved first. */
  @IsOptional() @IsInt() @Min(1) @Max(MAX_PENDING_TIMEOUT_SECONDS) timeoutSeconds?: number;
  @IsOptional() @IsString() @Length(1, 500) note?: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TimebankActor) actor: TimebankActor;
}

export class PostTransferRequest {
  /** The command's id: the posting transfer's id. */
  @IsUUID() id: string;
  @IsUUID() pendingId: string;
  /** Post only this much of the reservation (the rest is released); default all of it. */
  @IsOptional() @IsInt() @Min(1) @Max(MAX_AMOUNT) amount?: number;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TimebankActor) actor: TimebankActor;
}

export class VoidTransferRequest {
  /** The command's id: the voiding transfer's id. */
  @IsUUID() id: string;
  @IsUUID() pendingId: string;
  @IsOptional() @IsString() @Length(1, 500) note?: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TimebankActor) actor: TimebankActor;
}

export class CorrectTransferRequest {
  /** The command's id: the correcting transfer's id. */
  @IsUUID() id: string;
  /** The posted transfer (`single` or `post`) to reverse. */
  @IsUUID() transferId: string;
  /** How much of it to reverse; default all that is not reversed yet. */
  @IsOptional() @IsInt() @Min(1) @Max(MAX_AMOUNT) amount?: number;
  @IsString() @Length(1, 500) reason: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TimebankActor) actor: TimebankActor;
}

export class LedgerTransfer {
  @IsUUID() id: string;
  @IsIn(TRANSFER_KINDS) kind: TransferKind;
  @IsUUID() debitAccountId: string;
  @IsUUID() creditAccountId: string;
  @IsInt() amount: number;
  @IsIn(CURRENCIES) currency: Currency;
  @IsIn(TRANSFER_CODES) code: TransferCode;
  @IsString() reference: string;
  /** post, void, expire: the pending transfer resolved. */
  @IsOptional() @IsUUID() pendingId?: string;
  /** A correction: the transfer reversed. */
  @IsOptional() @IsUUID() correctsId?: string;
  /** A pending transfer: when the timer expires it. */
  @IsOptional() @IsString() timeoutAt?: string;
  /** A pending transfer: still reserving, or how it was resolved. */
  @IsOptional() @IsIn(PENDING_STATES) state?: PendingState;
  @IsOptional() @IsString() note?: string;
  @IsString() actorId: string;
  @IsString() createdAt: string;
}

export class GetTransferRequest {
  @IsUUID() id: string;
}

export class ListTransfersRequest {
  /** Transfers debiting or crediting this account. */
  @IsUUID() accountId: string;
  /** The reader's scope (the gateway sets it): FORBIDDEN for an account outside all of these areas. */
  @WithinAreas() withinAreas?: string[];
  @IsOptional() @IsUUID() after?: string;
  @IsOptional() @IsInt() @Min(1) @Max(MAX_LEDGER_PAGE) limit?: number;
}

export class LedgerTransferPage {
  /** Oldest first. */
  @ValidateNested({ each: true }) @Type(() => LedgerTransfer) items: LedgerTransfer[];
  @IsOptional() @IsString() nextAfter?: string;
}

const service = 'timebank';

export const accountSubjects = {
  open: defineEndpoint({
    service,
    aggregate: 'account',
    action: 'open',
    summary: 'Opens a ledger account of one currency for a volunteer, a pool or a shop; again with the same id and content answers the account.',
    request: OpenAccountRequest,
    reply: Account,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  get: defineEndpoint({
    service,
    aggregate: 'account',
    action: 'get',
    summary: 'One account with its balances.',
    request: GetAccountRequest,
    reply: Account,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN],
  }),
  list: defineEndpoint({
    service,
    aggregate: 'account',
    action: 'list',
    summary: 'Accounts, oldest first, paged, filtered by owner, area and currency.',
    request: ListLedgerAccountsRequest,
    reply: LedgerAccountPage,
  }),
};

export const transferSubjects = {
  create: defineEndpoint({
    service,
    aggregate: 'transfer',
    action: 'create',
    summary: 'Moves an amount between two accounts of one currency, at once or reserved (pending); again with the same id and content answers the first result.',
    request: CreateTransferRequest,
    reply: LedgerTransfer,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  post: defineEndpoint({
    service,
    aggregate: 'transfer',
    action: 'post',
    summary: 'Posts a pending transfer (all or part of it), once.',
    request: PostTransferRequest,
    reply: LedgerTransfer,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  void: defineEndpoint({
    service,
    aggregate: 'transfer',
    action: 'void',
    summary: 'Voids a pending transfer, releasing what it reserved, once.',
    request: VoidTransferRequest,
    reply: LedgerTransfer,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  correct: defineEndpoint({
    service,
    aggregate: 'transfer',
    action: 'correct',
    summary: 'Reverses a posted transfer (all or part of it) with a new correction transfer the other way.',
    request: CorrectTransferRequest,
    reply: LedgerTransfer,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN],
  }),
  get: defineEndpoint({
    service,
    aggregate: 'transfer',
    action: 'get',
    summary: 'One transfer; a pending one with where it stands.',
    request: GetTransferRequest,
    reply: LedgerTransfer,
    errors: [ErrorCode.NOT_FOUND],
  }),
  list: defineEndpoint({
    service,
    aggregate: 'transfer',
    action: 'list',
    summary: "An account's transfers, oldest first, paged.",
    request: ListTransfersRequest,
    reply: LedgerTransferPage,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN],
  }),
};
