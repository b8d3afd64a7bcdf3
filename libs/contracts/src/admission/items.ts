import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { DEPARTMENT_CODE, defineEndpoint, defineEvent } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { IsCalendarDate } from '../grid/workers.js';
import { ADMISSION_LEVELS, AdmissionActor, ITEM_CODE, ITEM_CODE_OPTIONS, OnlyWhen, type AdmissionLevel } from './common.js';

/*
 * The item catalogue (事项清单的事项): every task a department might push down
 * to a community or grid, with its legal basis and the levels where it may be
 * carried out. Which items are admitted where is the lists' business (lists.ts).
 */

/** 工作事务, 协助政府事项, 证明事项, 机制牌子, 网格事项. */
export const ITEM_KINDS = ['community-work', 'assisting-government', 'certificate', 'nameplate', 'grid'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

/** What a grid item (网格事项) is: 信息采集, 政策宣传, 民意收集, 矛盾调解, 安全巡查, 民生服务. */
export const GRID_ITEM_TYPES = [
  'information-collection',
  'policy-publicity',
  'opinion-gathering',
  'dispute-mediation',
  'safety-patrol',
  'livelihood-services',
] as const;
export type GridItemType = (typeof GRID_ITEM_TYPES)[number];

const DEPARTMENT_MESSAGE = { message: 'department must be a department code: 2-40 lower-case letters, digits or dashes, starting with a letter' };

export class DefineItemRequest {
  @Matches(ITEM_CODE, ITEM_CODE_OPTIONS) code: string;
  @IsString() @Length(1, 200) name: string;
  /** The department that owns the item and would push its tasks down. */
  @Matches(DEPARTMENT_CODE, DEPARTMENT_MESSAGE) department: string;
  /** The law, regulation or document that makes it a task at all (法律依据). */
  @IsString() @Length(1, 500) legalBasis: string;
  @IsIn(ITEM_KINDS) kind: ItemKind;
  /** Required for a grid item (kind `grid`), refused for any other kind. */
  @ValidateIf((item: DefineItemRequest) => item.kind === 'grid' || item.gridItemType !== undefined)
  @IsIn(GRID_ITEM_TYPES)
  @OnlyWhen((item: DefineItemRequest) => item.kind === 'grid', 'is given only for kind grid')
  gridItemType?: GridItemType;
  /** Where it may be carried out: a list of that level may hold it. */
  @IsArray() @ArrayMinSize(1) @ArrayUnique() @IsIn(ADMISSION_LEVELS, { each: true }) levels: AdmissionLevel[];
  @IsOptional() @IsString() @Length(1, 2000) description?: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => AdmissionActor) actor: AdmissionActor;
}

export class Item {
  @IsString() code: string;
  @IsString() name: string;
  @IsString() department: string;
  @IsString() legalBasis: string;
  @IsIn(ITEM_KINDS) kind: ItemKind;
  @IsOptional() @IsIn(GRID_ITEM_TYPES) gridItemType?: GridItemType;
  @IsArray() levels: AdmissionLevel[];
  @IsOptional() @IsString() description?: string;
  /** The China-time day from which it is withdrawn: from then on no list admits it. */
  @IsOptional() @IsString() withdrawnOn?: string;
  @IsOptional() @IsString() withdrawalReason?: string;
  @IsISO8601() createdAt: string;
  @IsISO8601() updatedAt: string;
}

export class DefineItemReply {
  @IsObject() @ValidateNested() @Type(() => Item) item: Item;
  /** False when an existing item was updated. */
  @IsBoolean() created: boolean;
}

export class GetItemRequest {
  @Matches(ITEM_CODE, ITEM_CODE_OPTIONS) code: string;
}

export class ListItemsRequest {
  @IsOptional() @Matches(DEPARTMENT_CODE, DEPARTMENT_MESSAGE) department?: string;
  @IsOptional() @IsIn(ITEM_KINDS) kind?: ItemKind;
  /** Include withdrawn items (default false). */
  @IsOptional() @IsBoolean() withdrawn?: boolean;
  /** Start after this item code (paging, by code). */
  @IsOptional() @Matches(ITEM_CODE, ITEM_CODE_OPTIONS) after?: string;
  @IsOptional() @IsInt() @Min(1) @Max(500) limit?: number;
}

export class ItemPage {
  @ValidateNested({ each: true }) @Type(() => Item) items: Item[];
  @IsOptional() @IsString() nextAfter?: string;
}

export class WithdrawItemRequest {
  @Matches(ITEM_CODE, ITEM_CODE_OPTIONS) code: string;
  /** The China-time day it stops being admitted anywhere; today or later (defaults to today). */
  @IsOptional() @IsCalendarDate() on?: string;
  @IsString() @Length(1, 500) reason: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => AdmissionActor) actor: AdmissionActor;
}

export const ITEM_CHANGES = ['defined', 'updated', 'withdrawn'] as const;
export type ItemChange = (typeof ITEM_CHANGES)[number];

export class ItemChanged {
  @IsIn(ITEM_CHANGES) change: ItemChange;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => Item) item: Item;
}

/**
 * Version 1 of `admission.item.changed`, from before the admission service
 * existed: city-wide levels only, with no area or dating beyond one
 * `effectiveFrom`. The admission service publishes version 2 and the
 * `admission.list.published` event instead; no service consumes this one.
 * @deprecated use `admission.item.changed` version 2 and `admission.list.published`.
 */
export class AdmissionItemChanged {
  /** The item's code on the lists, e.g. `safety-patrol`. */
  @IsString() @Length(1, 60) code: string;
  @IsString() @Length(1, 200) name: string;
  /** Levels a department may push this item down to; empty when it is on the negative list or withdrawn. */
  @IsArray() @ArrayMaxSize(2) @IsIn(ADMISSION_LEVELS, { each: true }) admittedLevels: AdmissionLevel[];
  /** The published list version this comes from. */
  @IsString() @Length(1, 60) listVersion: string;
  @IsISO8601() effectiveFrom: string;
}

/**
 * Version 1 of the event, outside the catalogue (its key would be the same as
 * version 2's): no longer published, kept so old stored events still read.
 * @deprecated see `AdmissionItemChanged`.
 */
export const admissionItemChangedV1 = defineEvent({
  service: 'admission',
  aggregate: 'item',
  event: 'changed',
  summary: 'Deprecated (version 1, city-wide levels only): no longer published; see version 2 and admission.list.published.',
  payload: AdmissionItemChanged,
});

export const admissionItemSubjects = {
  define: defineEndpoint({
    service: 'admission',
    aggregate: 'item',
    action: 'define',
    summary: 'Add an item to the catalogue, or update one (its code stays). Lists that hold it keep it.',
    request: DefineItemRequest,
    reply: DefineItemReply,
    errors: [ErrorCode.CONFLICT],
  }),
  get: defineEndpoint({
    service: 'admission',
    aggregate: 'item',
    action: 'get',
    summary: 'One item of the catalogue.',
    request: GetItemRequest,
    reply: Item,
    errors: [ErrorCode.NOT_FOUND],
    departments: true,
  }),
  list: defineEndpoint({
    service: 'admission',
    aggregate: 'item',
    action: 'list',
    summary: 'The catalogue by code, filtered by department and kind; paged.',
    request: ListItemsRequest,
    reply: ItemPage,
    departments: true,
  }),
  withdraw: defineEndpoint({
    service: 'admission',
    aggregate: 'item',
    action: 'withdraw',
    summary: 'Withdraw an item from a day on: from then on the gate admits it nowhere, whatever the lists say.',
    request: WithdrawItemRequest,
    reply: Item,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT],
  }),
  changed: defineEvent({
    service: 'admission',
    aggregate: 'item',
    event: 'changed',
    version: 2,
    summary: 'An item was added to the catalogue, updated or withdrawn.',
    payload: ItemChanged,
  }),
};
