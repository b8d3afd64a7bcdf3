import { IsArray, IsIn, IsISO8601, IsOptional, IsString } from 'class-validator';
import { defineEvent } from '../definitions.js';
import { ADMISSION_LEVELS, type AdmissionLevel } from '../admission/common.js';
import { GATE_REASONS, type GateReason } from '../admission/gate.js';

/*
 * Tasks dispatch turned away at the admission gate: a department's report
 * that would have reached a community or grid with an item not admitted
 * there. The admission service counts them in its burden-reduction report.
 */

/** Why dispatch refused: the gate's reasons, or `no-item` when the case's category is linked to no admission item. */
export const PUSH_REFUSAL_REASONS = [...GATE_REASONS, 'no-item'] as const;
export type PushRefusalReason = (typeof PUSH_REFUSAL_REASONS)[number];

export class PushRefused {
  @IsString() department: string;
  /** The report's idempotency key: a department retrying one refused report is counted once. */
  @IsString() reportKey: string;
  @IsString() categoryCode: string;
  @IsOptional() @IsString() itemCode?: string;
  @IsIn(ADMISSION_LEVELS) level: AdmissionLevel;
  /** The community or grid it would have reached, when known. */
  @IsOptional() @IsString() areaCode?: string;
  /** That area's path from the city down (empty when the area is not known). */
  @IsArray() @IsString({ each: true }) areaPath: string[];
  @IsIn(PUSH_REFUSAL_REASONS) reason: PushRefusalReason | GateReason;
  @IsString() explanation: string;
  @IsISO8601() at: string;
}

export const pushSubjects = {
  refused: defineEvent({
    service: 'dispatch',
    aggregate: 'push',
    event: 'refused',
    summary: "A department's task was refused at the admission gate (NOT_ADMITTED) and reached no community or grid.",
    payload: PushRefused,
  }),
};
