import { IsInt, IsOptional, IsString, IsUUID, Length, Matches, Min } from 'class-validator';
import { defineEvent } from '../definitions.js';
import { AREA_CODE } from '../grid/areas.js';

/*
 * The timebank service's "hours verified" event, as the org service
 * consumes it (双报到: a member's service record). Defined here by the org
 * service while the timebank service was being built; the timebank service
 * publishes it and owns it from then on.
 */

export class HoursVerified {
  /** The ledger entry (deposit) the hours went into: unique, so a service record counts them once. */
  @IsUUID() entryId: string;
  /** The volunteer the hours are for (the timebank service's id). */
  @IsString() @Length(1, 100) volunteerId: string;
  /** The service activity they were served in. */
  @IsOptional() @IsString() @Length(1, 100) activityId?: string;
  @IsOptional() @IsString() @Length(1, 200) activityName?: string;
  /** Verified service time in minutes (integer). */
  @IsInt() @Min(1) minutes: number;
  /** The area (usually the community) where the service was given. */
  @IsOptional() @Matches(AREA_CODE, { message: 'areaCode must be an area code' }) areaCode?: string;
  /** When the organizer verified them. */
  @IsString() verifiedAt: string;
}

export const timebankHoursSubjects = {
  verified: defineEvent({
    service: 'timebank',
    aggregate: 'hours',
    event: 'verified',
    summary: "A volunteer's service hours were verified and deposited (in minutes).",
    payload: HoursVerified,
  }),
};
