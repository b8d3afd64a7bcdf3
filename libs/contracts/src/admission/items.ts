import { ArrayMaxSize, IsArray, IsIn, IsISO8601, IsString, Length } from 'class-validator';
import { defineEvent } from '../definitions.js';

/*
 * What the admission service announces about its lists (事项准入), as other
 * services keep it: for each item, the levels it is admitted at. The
 * admission service itself is built under its own issue; this event is the
 * contract dispatch's gating reads.
 */

export const ADMISSION_LEVELS = ['community', 'grid'] as const;
export type AdmissionLevel = (typeof ADMISSION_LEVELS)[number];

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

export const admissionItemSubjects = {
  changed: defineEvent({
    service: 'admission',
    aggregate: 'item',
    event: 'changed',
    summary: 'A published admission list changed what an item is admitted at (community, grid, or nothing).',
    payload: AdmissionItemChanged,
  }),
};
