import { Type } from 'class-transformer';
import {
  Allow,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  registerDecorator,
  ValidateIf,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { defineEndpoint, defineEvent } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { IsLonLat, type LonLat } from '../coordinates.js';
import { AREA_CODE, AREA_CODE_OPTIONS } from './areas.js';
import { WithinAreas } from './areas.js';

/*
 * Base information (人、地、事、物、组织): the people, places, things, matters
 * and organizations grid workers register in each grid and keep current.
 * A record has a kind, a type within the kind, and an attribute bag whose
 * shape the grid service checks against the type's JSON Schema (listed by
 * `base-record.types`). Every change is kept with who made it and when.
 */

export const BASE_RECORD_KINDS = ['person', 'place', 'thing', 'matter', 'organization'] as const;
export type BaseRecordKind = (typeof BASE_RECORD_KINDS)[number];

/** Types per kind; a type code is unique across kinds, so the type alone names the kind. */
export const BASE_RECORD_TYPES = {
  person: ['resident', 'floating-population', 'elderly-living-alone', 'special-care'],
  place: ['building', 'shop', 'rental-housing', 'public-place'],
  thing: ['fire-hydrant', 'manhole', 'cctv', 'street-lamp'],
  matter: ['dispute', 'safety-hazard', 'livelihood-request'],
  organization: ['enterprise', 'non-public-enterprise', 'social-organization'],
} as const satisfies Record<BaseRecordKind, readonly string[]>;
export type BaseRecordType = (typeof BASE_RECORD_TYPES)[BaseRecordKind][number];
export const ALL_BASE_RECORD_TYPES: readonly BaseRecordType[] = Object.values(BASE_RECORD_TYPES).flat();

export const kindOfBaseRecordType = (type: BaseRecordType): BaseRecordKind =>
  BASE_RECORD_KINDS.find((kind) => (BASE_RECORD_TYPES[kind] as readonly string[]).includes(type))!;

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/**
 * An 18-character resident identity card number (GB 11643): 17 digits with a
 * valid birth date and the ISO 7064 check character (digit or X). Residence
 * permits of Hong Kong, Macao and Taiwan residents and foreigners' permanent
 * residence cards use the same scheme.
 */
export function isResidentIdNumber(value: unknown): value is string {
  return residentIdNumberProblem(value) === undefined;
}

/**
 * What is wrong with an ID number, each fault in its own words (a wrong
 * length, a birth date that does not exist, a mistyped digit caught by the
 * check character); undefined when nothing is. The number itself is never
 * repeated, so the message can be logged.
 */
export function residentIdNumberProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string of 18 characters';
  if (value.length !== 18) return `must be 18 characters long, not ${value.length}`;
  if (!/^\d{17}[\dXx]$/.test(value)) return 'must be 17 digits followed by a digit or X';
  const birth = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  const date = new Date(`${birth}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== birth) {
    return 'has no real birth date in characters 7 to 14 (YYYYMMDD)';
  }
  const sum = ID_WEIGHTS.reduce((total, weight, i) => total + weight * Number(value[i]), 0);
  if (ID_CHECK[sum % 11] !== value[17]!.toUpperCase()) return 'has a check character (the 18th) that does not match the first 17: a character is mistyped';
  return undefined;
}

/** The JSON Schema of the check above, for documents generated from the contracts (the birth date and check character are checked beyond it). */
export const RESIDENT_ID_NUMBER_SCHEMA = { type: 'string', pattern: '^\\d{17}[\\dXx]$' };

export function IsResidentIdNumber(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isResidentIdNumber',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => isResidentIdNumber(value),
        defaultMessage: (args) => `${args!.property} ${residentIdNumberProblem(args!.value)}`,
      },
    });
}

/** Who made a change: the gateway fills it from the caller's token. */
export class ActorRef {
  @IsString() @Length(1, 64) id: string;
  @IsString() @Length(1, 100) name: string;
}

export class BaseRecord {
  @IsUUID() id: string;
  @IsIn(BASE_RECORD_KINDS) kind: BaseRecordKind;
  @IsIn(ALL_BASE_RECORD_TYPES) type: BaseRecordType;
  @IsString() gridCode: string;
  /** A person's or organization's name, a place's name or address, a thing's label, a matter's title. */
  @IsString() name: string;
  /** The whole ID number: only `get` for platform callers (the gateway checks the worker's permission). */
  @IsOptional() @IsString() idNumber?: string;
  /** The ID number with all but its first 3 and last 4 characters hidden, e.g. `110***********123X`. */
  @IsOptional() @IsString() idNumberMasked?: string;
  @IsOptional() @IsLonLat() location?: LonLat;
  /** Checked against the type's JSON Schema; sensitive attributes (phone numbers) are masked in lists. */
  @IsObject() attributes: Record<string, unknown>;
  /** Starts at 1 and grows with every change; send it back with `update` and `archive`. */
  @IsInt() version: number;
  @IsString() registeredAt: string;
  @ValidateNested() @Type(() => ActorRef) registeredBy: ActorRef;
  @IsString() updatedAt: string;
  @ValidateNested() @Type(() => ActorRef) updatedBy: ActorRef;
  @IsOptional() @IsString() archivedAt?: string;
  @IsOptional() @IsString() archiveReason?: string;
}

/** One field that changed: `name`, `type`, `gridCode`, `location`, `idNumber` (masked) or `attributes.<name>`. */
export class FieldChange {
  @IsString() field: string;
  /** Absent when the field was not set before. */
  @Allow() from?: unknown;
  /** Absent when the field was removed. */
  @Allow() to?: unknown;
}

export const BASE_RECORD_CHANGES = ['registered', 'updated', 'archived'] as const;
export type BaseRecordChangeKind = (typeof BASE_RECORD_CHANGES)[number];

export class BaseRecordChange {
  /** The record's version this change produced. */
  @IsInt() version: number;
  @IsIn(BASE_RECORD_CHANGES) change: BaseRecordChangeKind;
  @ValidateNested() @Type(() => ActorRef) actor: ActorRef;
  @IsString() at: string;
  @ValidateNested({ each: true }) @Type(() => FieldChange) changes: FieldChange[];
  @IsOptional() @IsString() reason?: string;
}

export class BaseRecordDetail extends BaseRecord {
  /** Every change, oldest first. */
  @ValidateNested({ each: true }) @Type(() => BaseRecordChange) history: BaseRecordChange[];
}

export class RegisterBaseRecordRequest {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when the grid lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  /** An active grid. */
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) gridCode: string;
  @IsIn(ALL_BASE_RECORD_TYPES) type: BaseRecordType;
  @IsString() @Length(1, 200) name: string;
  /** People only; no two active people in one grid share it. */
  @IsOptional() @IsResidentIdNumber() idNumber?: string;
  @IsOptional() @IsLonLat() location?: LonLat;
  /** Checked against the type's schema (see `base-record.types`); every wrong attribute is named as `attributes.<name>`. */
  @IsObject() attributes: Record<string, unknown>;
  @IsObject() @ValidateNested() @Type(() => ActorRef) actor: ActorRef;
}

export class UpdateBaseRecordRequest {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when the record's grid lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  @IsUUID() id: string;
  /** The version the caller last read; a stale one is refused with CONFLICT. */
  @IsInt() @Min(1) version: number;
  /** Another type of the same kind, e.g. a resident who now lives alone; the attributes must fit it. */
  @IsOptional() @IsIn(ALL_BASE_RECORD_TYPES) type?: BaseRecordType;
  /** Moves the record to another active grid (after a split, or a person moving house). */
  @IsOptional() @Matches(AREA_CODE, AREA_CODE_OPTIONS) gridCode?: string;
  @IsOptional() @IsString() @Length(1, 200) name?: string;
  /** A new ID number, or null to remove it. */
  @IsOptional() @ValidateIf((_, value) => value !== null) @IsResidentIdNumber() idNumber?: string | null;
  /** A new point, or null to remove it. */
  @IsOptional() @ValidateIf((_, value) => value !== null) @IsLonLat() location?: LonLat | null;
  /** A JSON merge patch (RFC 7386) on the attributes: listed attributes are set, `null` removes one, others are kept. */
  @IsOptional() @IsObject() attributes?: Record<string, unknown>;
  @IsOptional() @IsString() @Length(1, 500) reason?: string;
  @IsObject() @ValidateNested() @Type(() => ActorRef) actor: ActorRef;
}

export class ArchiveBaseRecordRequest {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when the record's grid lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  @IsUUID() id: string;
  @IsInt() @Min(1) version: number;
  /** Why, e.g. `moved away`, `demolished`, `deceased`, `duplicate of …`. */
  @IsString() @Length(1, 500) reason: string;
  @IsObject() @ValidateNested() @Type(() => ActorRef) actor: ActorRef;
}

export class GetBaseRecordRequest {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when the record's grid lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  @IsUUID() id: string;
}

export class ListBaseRecordsRequest {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when the grid lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  /** A grid; a retired grid's records can still be read (to move them). */
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) gridCode: string;
  @IsOptional() @IsIn(BASE_RECORD_KINDS) kind?: BaseRecordKind;
  @IsOptional() @IsIn(ALL_BASE_RECORD_TYPES) type?: BaseRecordType;
  /** Case-insensitive part of the name. */
  @IsOptional() @IsString() @Length(1, 100) nameContains?: string;
  @IsOptional() @IsBoolean() includeArchived?: boolean;
  /** Start after this record id (paging). */
  @IsOptional() @IsUUID() after?: string;
  @IsOptional() @IsInt() @Min(1) @Max(500) limit?: number;
}

export class BaseRecordPage {
  /** Oldest registration first; ID numbers and sensitive attributes masked. */
  @ValidateNested({ each: true }) @Type(() => BaseRecord) items: BaseRecord[];
  @IsOptional() @IsString() nextAfter?: string;
}

export class CountBaseRecordsRequest {
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) gridCode: string;
}

export class BaseRecordTypeCount {
  @IsIn(BASE_RECORD_KINDS) kind: BaseRecordKind;
  @IsIn(ALL_BASE_RECORD_TYPES) type: BaseRecordType;
  @IsInt() active: number;
  @IsInt() archived: number;
}

export class BaseRecordCounts {
  @IsString() gridCode: string;
  /** Active records. */
  @IsInt() total: number;
  /** Every type of the catalogue, in catalogue order, zeros included. */
  @ValidateNested({ each: true }) @Type(() => BaseRecordTypeCount) byType: BaseRecordTypeCount[];
}

export class ListBaseRecordTypesRequest {
  @IsOptional() @IsIn(BASE_RECORD_KINDS) kind?: BaseRecordKind;
}

export class BaseRecordTypeInfo {
  @IsIn(BASE_RECORD_KINDS) kind: BaseRecordKind;
  @IsIn(ALL_BASE_RECORD_TYPES) type: BaseRecordType;
  /** The Chinese term, e.g. 独居老人. */
  @IsString() label: string;
  @IsString() description: string;
  /** JSON Schema (draft 2020-12 subset) of the attribute bag. */
  @IsObject() schema: Record<string, unknown>;
  /** Attributes masked in lists and left out of events. */
  @IsArray() @IsString({ each: true }) sensitiveAttributes: string[];
}

export class BaseRecordTypeCatalogue {
  @ValidateNested({ each: true }) @Type(() => BaseRecordTypeInfo) items: BaseRecordTypeInfo[];
}

/** A record as events carry it: no ID number, no sensitive attributes. */
export class BaseRecordView {
  @IsUUID() id: string;
  @IsIn(BASE_RECORD_KINDS) kind: BaseRecordKind;
  @IsIn(ALL_BASE_RECORD_TYPES) type: BaseRecordType;
  @IsString() gridCode: string;
  @IsString() name: string;
  @IsOptional() @IsLonLat() location?: LonLat;
  @IsObject() attributes: Record<string, unknown>;
  @IsInt() version: number;
}

export class BaseRecordRegistered {
  @IsDefined() @ValidateNested() @Type(() => BaseRecordView) record: BaseRecordView;
  @IsDefined() @ValidateNested() @Type(() => ActorRef) actor: ActorRef;
  @IsString() at: string;
}

export class BaseRecordChanged {
  @IsDefined() @ValidateNested() @Type(() => BaseRecordView) record: BaseRecordView;
  /** The fields that changed (names only), e.g. `attributes.healthStatus`, `gridCode`. */
  @IsArray() @IsString({ each: true }) changedFields: string[];
  /** Set when the record moved to another grid. */
  @IsOptional() @IsString() previousGridCode?: string;
  @IsDefined() @ValidateNested() @Type(() => ActorRef) actor: ActorRef;
  @IsString() at: string;
}

export class BaseRecordArchived {
  @IsUUID() id: string;
  @IsIn(BASE_RECORD_KINDS) kind: BaseRecordKind;
  @IsIn(ALL_BASE_RECORD_TYPES) type: BaseRecordType;
  @IsString() gridCode: string;
  @IsInt() version: number;
  @IsString() reason: string;
  @IsDefined() @ValidateNested() @Type(() => ActorRef) actor: ActorRef;
  @IsString() at: string;
}

const service = 'grid';
const aggregate = 'base-record';

export const baseInformationSubjects = {
  types: defineEndpoint({
    service,
    aggregate,
    action: 'types',
    summary: 'The catalogue of base-information types per kind, each with the JSON Schema of its attributes.',
    request: ListBaseRecordTypesRequest,
    reply: BaseRecordTypeCatalogue,
    departments: true,
  }),
  register: defineEndpoint({
    service,
    aggregate,
    action: 'register',
    summary: 'Registers a person, place, thing, matter or organization in an active grid; a person already registered there by ID number is refused.',
    request: RegisterBaseRecordRequest,
    reply: BaseRecordDetail,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT],
  }),
  update: defineEndpoint({
    service,
    aggregate,
    action: 'update',
    summary: "Changes a record's name, type, grid, location, ID number or attributes (merge patch) at the version the caller read.",
    request: UpdateBaseRecordRequest,
    reply: BaseRecordDetail,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT],
  }),
  archive: defineEndpoint({
    service,
    aggregate,
    action: 'archive',
    summary: 'Archives a record (moved away, demolished, closed); records are never deleted.',
    request: ArchiveBaseRecordRequest,
    reply: BaseRecordDetail,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT],
  }),
  get: defineEndpoint({
    service,
    aggregate,
    action: 'get',
    summary: 'One record with its full change history (who, when, which fields from what to what).',
    request: GetBaseRecordRequest,
    reply: BaseRecordDetail,
    errors: [ErrorCode.NOT_FOUND],
    departments: true,
  }),
  list: defineEndpoint({
    service,
    aggregate,
    action: 'list',
    summary: "A grid's records by kind, type or name, paged; ID numbers and phone numbers masked.",
    request: ListBaseRecordsRequest,
    reply: BaseRecordPage,
    errors: [ErrorCode.NOT_FOUND],
    departments: true,
  }),
  count: defineEndpoint({
    service,
    aggregate,
    action: 'count',
    summary: "A grid's active and archived records per type.",
    request: CountBaseRecordsRequest,
    reply: BaseRecordCounts,
    errors: [ErrorCode.NOT_FOUND],
    departments: true,
  }),
  registered: defineEvent({
    service,
    aggregate,
    event: 'registered',
    summary: 'A base-information record was registered (without ID number or sensitive attributes).',
    payload: BaseRecordRegistered,
  }),
  changed: defineEvent({
    service,
    aggregate,
    event: 'changed',
    summary: 'A base-information record changed: its new state (without sensitive fields) and the names of the changed fields.',
    payload: BaseRecordChanged,
  }),
  archived: defineEvent({
    service,
    aggregate,
    event: 'archived',
    summary: 'A base-information record was archived.',
    payload: BaseRecordArchived,
  }),
};
