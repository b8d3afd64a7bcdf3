import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { defineEndpoint, defineEvent } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { AREA_CODE, AREA_CODE_OPTIONS } from '../grid/areas.js';
import { IsCalendarDate } from '../grid/workers.js';
import { ADMISSION_LEVELS, AdmissionActor, ITEM_CODE, ITEM_CODE_OPTIONS, MAX_LIST_ENTRIES, OnlyWhen, type AdmissionLevel } from './common.js';
import { WithinAreas } from '../grid/areas.js';

/*
 * The lists (准入清单): per area, one admitted list for each level tasks may be
 * pushed down to, and one negative list (负面清单) of items that may never be
 * pushed down there. A list has versions: one draft at a time, edited, then
 * published with an effective day (China time; today or later). The version
 * in force on a day is the published one with the latest effective day on or
 * before it. A list applies to its area and every area below it, unless a
 * lower area's list has its own entry for the item (which may admit it or
 * exclude it). The negative list holds everywhere below its area and no lower
 * list overrides it.
 */

export const LIST_KINDS = ['admitted', 'negative'] as const;
export type ListKind = (typeof LIST_KINDS)[number];

/** Which list: an area's negative list, or its admitted list for a level. */
export class ListKey {
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) areaCode: string;
  @IsIn(LIST_KINDS) kind: ListKind;
  /** The level of an admitted list; not given for a negative list. */
  @ValidateIf((key: ListKey) => key.kind !== 'negative' || key.level !== undefined)
  @IsIn(ADMISSION_LEVELS, { message: 'level must be community or grid for an admitted list' })
  @OnlyWhen((key: ListKey) => key.kind !== 'negative', 'is not given for a negative list')
  level?: AdmissionLevel;
}

export class ListEntryInput {
  @Matches(ITEM_CODE, ITEM_CODE_OPTIONS) itemCode: string;
  /**
   * On an admitted list: true (the default) admits the item here and below;
   * false excludes it here and below although a higher list admits it. Not
   * given on a negative list.
   */
  @IsOptional() @IsBoolean() admitted?: boolean;
  @IsOptional() @IsString() @Length(1, 500) note?: string;
}

export class EditDraftRequest extends ListKey {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when the list's area lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  /** Entries to add or replace. */
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_LIST_ENTRIES) @ValidateNested({ each: true }) @Type(() => ListEntryInput) put?: ListEntryInput[];
  /** Item codes to take off the list. */
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_LIST_ENTRIES) @Matches(ITEM_CODE, { ...ITEM_CODE_OPTIONS, each: true }) remove?: string[];
  @IsDefined() @ValidateNested() @Type(() => AdmissionActor) actor: AdmissionActor;
}

export class PublishListRequest extends ListKey {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when the list's area lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  /** The China-time day the version comes into force: today or later, and not before the version in force last. */
  @IsCalendarDate() effectiveOn: string;
  /** The draft's revision the publisher looked at: publishing fails with CONFLICT when it was edited since. */
  @IsOptional() @IsInt() @Min(1) draftRevision?: number;
  @IsDefined() @ValidateNested() @Type(() => AdmissionActor) actor: AdmissionActor;
}

export class DiscardDraftRequest extends ListKey {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when the list's area lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  @IsDefined() @ValidateNested() @Type(() => AdmissionActor) actor: AdmissionActor;
}

export class GetListRequest extends ListKey {
  /** A version by number (the draft has the next number). */
  @IsOptional() @IsInt() @Min(1) version?: number;
  /** The version in force on this China-time day (default today), when no version is asked. */
  @IsOptional() @IsCalendarDate() on?: string;
  /** The draft, when there is one. */
  @IsOptional() @IsBoolean() draft?: boolean;
}

export class ListVersionsRequest extends ListKey {}

export class CompareListsRequest extends ListKey {
  @IsInt() @Min(1) from: number;
  @IsInt() @Min(1) to: number;
}

export class ListEntry {
  @IsString() itemCode: string;
  @IsString() itemName: string;
  @IsBoolean() admitted: boolean;
  @IsOptional() @IsString() note?: string;
}

export const VERSION_STATES = ['draft', 'published'] as const;
export type VersionState = (typeof VERSION_STATES)[number];

export class ListVersionSummary {
  @IsString() areaCode: string;
  @IsIn(LIST_KINDS) kind: ListKind;
  @IsOptional() @IsIn(ADMISSION_LEVELS) level?: AdmissionLevel;
  @IsInt() number: number;
  @IsIn(VERSION_STATES) state: VersionState;
  /** Edits made to a draft; publishing may ask for the revision it saw. */
  @IsInt() revision: number;
  @IsOptional() @IsString() effectiveOn?: string;
  @IsOptional() @IsISO8601() publishedAt?: string;
  @IsOptional() @IsString() publishedBy?: string;
  @IsInt() entryCount: number;
}

export class ListVersion extends ListVersionSummary {
  /** By item code. */
  @ValidateNested({ each: true }) @Type(() => ListEntry) entries: ListEntry[];
}

export class ListVersions {
  /** Newest first; the draft, when there is one, first of all. */
  @ValidateNested({ each: true }) @Type(() => ListVersionSummary) versions: ListVersionSummary[];
}

export class ChangedEntry {
  @IsString() itemCode: string;
  @ValidateNested() @Type(() => ListEntry) before: ListEntry;
  @ValidateNested() @Type(() => ListEntry) after: ListEntry;
}

export class ListComparison {
  @IsInt() from: number;
  @IsInt() to: number;
  @ValidateNested({ each: true }) @Type(() => ListEntry) added: ListEntry[];
  @ValidateNested({ each: true }) @Type(() => ListEntry) removed: ListEntry[];
  /** Entries of both whose admission or note differ. */
  @ValidateNested({ each: true }) @Type(() => ChangedEntry) changed: ChangedEntry[];
}

/** An entry as events carry it: what another service's copy of the lists needs. */
export class PublishedEntry {
  @Matches(ITEM_CODE, ITEM_CODE_OPTIONS) itemCode: string;
  @IsBoolean() admitted: boolean;
}

export class ListPublished {
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) areaCode: string;
  /** The area's path from the city down, as the grid service gave it. */
  @IsArray() @IsString({ each: true }) areaPath: string[];
  @IsIn(LIST_KINDS) kind: ListKind;
  @IsOptional() @IsIn(ADMISSION_LEVELS) level?: AdmissionLevel;
  @IsInt() @Min(1) number: number;
  @IsCalendarDate() effectiveOn: string;
  @IsISO8601() publishedAt: string;
  @IsString() publishedBy: string;
  /** Every entry of the version (it replaces the list's earlier versions from its effective day). */
  @IsArray() @ArrayMaxSize(MAX_LIST_ENTRIES) @ValidateNested({ each: true }) @Type(() => PublishedEntry) entries: PublishedEntry[];
  /** Item codes on the version before and not on this one. */
  @IsArray() @IsString({ each: true }) removed: string[];
}

export const admissionListSubjects = {
  editDraft: defineEndpoint({
    service: 'admission',
    aggregate: 'list',
    action: 'edit-draft',
    summary: "Add, replace or remove entries of a list's draft; opens the draft from the latest version when there is none.",
    request: EditDraftRequest,
    reply: ListVersion,
    errors: [ErrorCode.NOT_FOUND],
  }),
  publish: defineEndpoint({
    service: 'admission',
    aggregate: 'list',
    action: 'publish',
    summary: "Publish a list's draft as its next version, in force from a day (today or later). Atomic: readers see the old version or the new.",
    request: PublishListRequest,
    reply: ListVersion,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT],
  }),
  discardDraft: defineEndpoint({
    service: 'admission',
    aggregate: 'list',
    action: 'discard-draft',
    summary: "Throw a list's draft away.",
    request: DiscardDraftRequest,
    reply: ListVersions,
    errors: [ErrorCode.NOT_FOUND],
  }),
  get: defineEndpoint({
    service: 'admission',
    aggregate: 'list',
    action: 'get',
    summary: 'A version of a list with its entries: by number, the draft, or the one in force on a day.',
    request: GetListRequest,
    reply: ListVersion,
    errors: [ErrorCode.NOT_FOUND],
    departments: true,
  }),
  versions: defineEndpoint({
    service: 'admission',
    aggregate: 'list',
    action: 'versions',
    summary: "A list's versions, newest first.",
    request: ListVersionsRequest,
    reply: ListVersions,
    errors: [ErrorCode.NOT_FOUND],
    departments: true,
  }),
  compare: defineEndpoint({
    service: 'admission',
    aggregate: 'list',
    action: 'compare',
    summary: 'What changed between two versions of a list: entries added, removed and changed.',
    request: CompareListsRequest,
    reply: ListComparison,
    errors: [ErrorCode.NOT_FOUND],
    departments: true,
  }),
  published: defineEvent({
    service: 'admission',
    aggregate: 'list',
    event: 'published',
    summary: 'A version of a list was published, with all its entries and its effective day.',
    payload: ListPublished,
  }),
};
