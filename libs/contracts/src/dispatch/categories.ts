import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { defineEndpoint, defineEvent } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { Responsibility } from './common.js';

/*
 * The case category tree (city appearance, environment, safety hazard,
 * neighbour dispute, public facilities, ...) with, per category, who is
 * responsible and the time limits (限时办结), and the working calendar the
 * limits count in.
 */

export const CATEGORY_CODE = /^[a-z0-9][a-z0-9-]{0,39}(\.[a-z0-9][a-z0-9-]{0,39}){0,4}$/;
const CATEGORY_CODE_MESSAGE = 'must be dot-separated lower-case words, e.g. environment.garbage (at most 5 levels)';

export const HOURS_KINDS = ['working', 'calendar'] as const;
export type HoursKind = (typeof HOURS_KINDS)[number];

/** What kind of value an attribute takes (Open311 GeoReport's datatypes). */
export const ATTRIBUTE_DATATYPES = ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'] as const;
export type AttributeDatatype = (typeof ATTRIBUTE_DATATYPES)[number];
export const ATTRIBUTE_CODE = /^[a-z][a-z0-9_]{0,39}$/;

export class AttributeValue {
  /** What a report sends, e.g. `deep`. */
  @IsString() @Length(1, 60) key: string;
  /** What a person sees, e.g. `Deeper than 5 cm`. */
  @IsString() @Length(1, 200) name: string;
}

/** A question a report in the category answers (an Open311 service attribute): its value is kept on the case. */
export class CategoryAttribute {
  @Matches(ATTRIBUTE_CODE, { message: 'code must be lower-case letters, digits and _, starting with a letter (at most 40)' }) code: string;
  /** The question as a person reads it. */
  @IsString() @Length(1, 300) description: string;
  @IsIn(ATTRIBUTE_DATATYPES) datatype: AttributeDatatype;
  @IsBoolean() required: boolean;
  /** Where it comes among the category's attributes, first is 1. */
  @IsInt() @Min(1) @Max(1000) order: number;
  /** The choices of a singlevaluelist or multivaluelist (and only of those). */
  @IsOptional() @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => AttributeValue) values?: AttributeValue[];
}

export class DefineCategoryRequest {
  /** Dot-separated path: `environment.garbage` sits under `environment`, which must exist. */
  @Matches(CATEGORY_CODE, { message: `code ${CATEGORY_CODE_MESSAGE}` }) code: string;
  @IsString() @Length(1, 100) name: string;
  /** Who owns cases of this category unless a routing rule says otherwise. */
  @IsDefined() @IsObject() @ValidateNested() @Type(() => Responsibility) responsible: Responsibility;
  /** Hours the owner has to claim (签收) an assigned case. */
  @IsInt() @Min(1) @Max(24 * 90) acceptHours: number;
  /** Hours from assignment to resolution. */
  @IsInt() @Min(1) @Max(24 * 365) completeHours: number;
  /** `working`: counted in the calendar's working hours; `calendar`: round the clock. */
  @IsIn(HOURS_KINDS) hoursKind: HoursKind;
  /** The admission list item (事项) cases of this category are, checked before pushing them to a community or grid. */
  @IsOptional() @IsString() @Length(1, 60) admissionItem?: string;
  /** A retired category takes no new cases; its cases keep it. */
  @IsOptional() @IsBoolean() retired?: boolean;
  /** Questions a report in this category answers (`attributes` of case.report); none when omitted. */
  @IsOptional() @IsArray() @ArrayMaxSize(30) @ValidateNested({ each: true }) @Type(() => CategoryAttribute) attributes?: CategoryAttribute[];
}

export class Category extends DefineCategoryRequest {
  @IsOptional() @IsString() parentCode?: string;
  @IsString() updatedAt: string;
}

export class GetCategoryRequest {
  @Matches(CATEGORY_CODE, { message: `code ${CATEGORY_CODE_MESSAGE}` }) code: string;
}

export class ListCategoriesRequest {
  /** Only this category and those under it. */
  @IsOptional() @Matches(CATEGORY_CODE, { message: `under ${CATEGORY_CODE_MESSAGE}` }) under?: string;
  @IsOptional() @IsBoolean() includeRetired?: boolean;
}

export class CategoryList {
  @ValidateNested({ each: true }) @Type(() => Category) items: Category[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;

export class CalendarDay {
  @Matches(DATE, { message: 'date must be YYYY-MM-DD' }) date: string;
  /** `holiday`: a weekday off (e.g. National Day); `workday`: a weekend day worked (调休). */
  @IsIn(['holiday', 'workday']) kind: 'holiday' | 'workday';
  @IsOptional() @IsString() @Length(0, 100) name?: string;
}

export class WorkingPeriod {
  /** Local time (Asia/Shanghai), HH:MM. */
  @Matches(TIME_OF_DAY, { message: 'start must be HH:MM' }) start: string;
  @Matches(TIME_OF_DAY, { message: 'end must be HH:MM' }) end: string;
}

export class SetCalendarRequest {
  /** Days to mark; a day already marked is replaced. */
  @IsOptional() @IsArray() @ArrayMaxSize(400) @ValidateNested({ each: true }) @Type(() => CalendarDay) days?: CalendarDay[];
  /** Dates whose mark is removed (back to the weekday rule). */
  @IsOptional() @IsArray() @ArrayMaxSize(400) @Matches(DATE, { each: true, message: 'each unmark must be YYYY-MM-DD' }) unmark?: string[];
  /** The working periods of a working day, in order, not overlapping. */
  @IsOptional() @IsArray() @ArrayMaxSize(6) @ValidateNested({ each: true }) @Type(() => WorkingPeriod) workingPeriods?: WorkingPeriod[];
}

export class GetCalendarRequest {
  @Matches(DATE, { message: 'from must be YYYY-MM-DD' }) from: string;
  @Matches(DATE, { message: 'to must be YYYY-MM-DD' }) to: string;
}

export class CalendarReply {
  @ValidateNested({ each: true }) @Type(() => WorkingPeriod) workingPeriods: WorkingPeriod[];
  /** Marked days between from and to. */
  @ValidateNested({ each: true }) @Type(() => CalendarDay) days: CalendarDay[];
}

export class DeadlinePreviewRequest {
  /** ISO 8601 instant the clock starts. */
  @IsString() from: string;
  @IsInt() @Min(1) @Max(24 * 365) hours: number;
  @IsIn(HOURS_KINDS) hoursKind: HoursKind;
}

export class DeadlinePreview {
  @IsString() dueAt: string;
}

const service = 'dispatch';

export const categorySubjects = {
  define: defineEndpoint({
    service,
    aggregate: 'category',
    action: 'define',
    summary: 'Creates or changes a case category with its responsible department or level and time limits.',
    request: DefineCategoryRequest,
    reply: Category,
    errors: [ErrorCode.NOT_FOUND],
  }),
  get: defineEndpoint({
    service,
    aggregate: 'category',
    action: 'get',
    summary: 'One case category.',
    request: GetCategoryRequest,
    reply: Category,
    errors: [ErrorCode.NOT_FOUND],
    departments: true,
  }),
  list: defineEndpoint({
    service,
    aggregate: 'category',
    action: 'list',
    summary: 'The category tree, or the part under one category, by code.',
    request: ListCategoriesRequest,
    reply: CategoryList,
    departments: true,
  }),
  changed: defineEvent({
    service,
    aggregate: 'category',
    event: 'changed',
    summary: 'A category was created or changed.',
    payload: Category,
  }),
};

export const calendarSubjects = {
  set: defineEndpoint({
    service,
    aggregate: 'calendar',
    action: 'set',
    summary: 'Marks holidays and worked weekend days, and sets the working periods of a working day (Asia/Shanghai).',
    request: SetCalendarRequest,
    reply: CalendarReply,
  }),
  get: defineEndpoint({
    service,
    aggregate: 'calendar',
    action: 'get',
    summary: 'The working periods and the marked days between two dates.',
    request: GetCalendarRequest,
    reply: CalendarReply,
    departments: true,
  }),
  previewDeadline: defineEndpoint({
    service,
    aggregate: 'calendar',
    action: 'preview-deadline',
    summary: 'When a time limit of so many working or calendar hours from an instant falls due.',
    request: DeadlinePreviewRequest,
    reply: DeadlinePreview,
    departments: true,
  }),
};
