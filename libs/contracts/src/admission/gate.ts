import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  ValidateNested,
} from 'class-validator';
import { defineEndpoint } from '../definitions.js';
import { AREA_CODE, AREA_CODE_OPTIONS } from '../grid/areas.js';
import { IsCalendarDate } from '../grid/workers.js';
import { ADMISSION_LEVELS, ITEM_CODE, ITEM_CODE_OPTIONS, type AdmissionLevel } from './common.js';
import { LIST_KINDS, type ListKind } from './lists.js';

/*
 * The gate (准入关口): may a task of item X be pushed down to level L in area
 * A on day D? Dispatch asks its own copy of the lists the same question with
 * the same rules (@gridwork/admission-rules), so the two always agree.
 */

export const GATE_REASONS = ['absent', 'excluded', 'negative-list', 'not-yet-in-force', 'withdrawn', 'unknown-item', 'unknown-area'] as const;
/**
 * Why an item is not admitted: on no list in force for the area (`absent`);
 * an area's list excludes it (`excluded`); on a negative list (`negative-list`);
 * admitted only from a later day (`not-yet-in-force`); withdrawn from the
 * catalogue (`withdrawn`); or the item or area is not known.
 */
export type GateReason = (typeof GATE_REASONS)[number];

export const MAX_GATE_BATCH = 500;

export class GateAsk {
  @Matches(ITEM_CODE, ITEM_CODE_OPTIONS) itemCode: string;
  @IsIn(ADMISSION_LEVELS) level: AdmissionLevel;
  /** The community or grid the task would reach (or any area: its lists and those above it decide). */
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) areaCode: string;
  /** The China-time day; today when not given. */
  @IsOptional() @IsCalendarDate() on?: string;
}

export class CheckGateBatchRequest {
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_GATE_BATCH) @ValidateNested({ each: true }) @Type(() => GateAsk) asks: GateAsk[];
}

/** The list version that decided an answer. */
export class DecidingVersion {
  @IsString() areaCode: string;
  @IsIn(LIST_KINDS) kind: ListKind;
  @IsOptional() @IsIn(ADMISSION_LEVELS) level?: AdmissionLevel;
  @IsInt() number: number;
  @IsString() effectiveOn: string;
}

export class GateAnswer {
  @IsString() itemCode: string;
  @IsOptional() @IsString() itemName?: string;
  @IsIn(ADMISSION_LEVELS) level: AdmissionLevel;
  @IsString() areaCode: string;
  @IsString() on: string;
  @IsBoolean() admitted: boolean;
  /** Why not, when not admitted. */
  @IsOptional() @IsIn(GATE_REASONS) reason?: GateReason;
  /** The answer in words, naming the item, level, area and version. */
  @IsString() explanation: string;
  /** The version whose entry decided it; absent when no list has an entry for the item. */
  @IsOptional() @IsObject() @ValidateNested() @Type(() => DecidingVersion) decidedBy?: DecidingVersion;
  /** For `not-yet-in-force`: the first day it is admitted. */
  @IsOptional() @IsString() admittedFrom?: string;
}

export class GateAnswers {
  /** In the order asked. */
  @ValidateNested({ each: true }) @Type(() => GateAnswer) answers: GateAnswer[];
}

export const admissionGateSubjects = {
  check: defineEndpoint({
    service: 'admission',
    aggregate: 'gate',
    action: 'check',
    summary: 'Is an item admitted at a level in an area on a day? With the version that decided, and why not.',
    request: GateAsk,
    reply: GateAnswer,
    departments: true,
  }),
  checkBatch: defineEndpoint({
    service: 'admission',
    aggregate: 'gate',
    action: 'check-batch',
    summary: 'The gate for up to 500 questions at once, answered in order.',
    request: CheckGateBatchRequest,
    reply: GateAnswers,
    departments: true,
  }),
};
