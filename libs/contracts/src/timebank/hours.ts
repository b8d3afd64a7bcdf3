import { IsInt, IsOptional, IsString, IsUUID, Length, Matches, Min } from 'class-validator';
import { defineEvent } from '../definitions.js';
import { AREA_CODE } from '../grid/areas.js';

/*
 * The timebank service's "hours verified" event: an organizer verified a
 * volunteer's service in an activity and the minutes were deposited to their
 * time account. The org service consumes it (双报到: a member's service
 * record). First defined by the org service while the timebank service was
 * being built, with the fields it reads; the timebank service publishes it
 * and owns it, and the fields it added are optional, so the first version's
 * consumers keep reading it.
 */

export class HoursVerified {
  /** The ledger entry (deposit) the hours went into: unique, so a service record counts them once. It is the deposit transfer's id. */
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
  /** The org service's member id, when the volunteer is a party member who reported in (双报到). */
  @IsOptional() @IsString() @Length(1, 100) partyMemberId?: string;
  /** The volunteer's verified minutes over all activities, this one included. */
  @IsOptional() @IsInt() @Min(1) lifetimeMinutes?: number;
  /** Who verified them (the organizer acting). */
  @IsOptional() @IsString() @Length(1, 100) verifiedBy?: string;
}

export const timebankHoursSubjects = {
  verified: defineEvent({
    service: 'timebank',
    aggregate: 'hours',
    event: 'verified',
    summary: "A volunteer's service hours were verified and deposited (in minutes); the org service adds them to a party member's service record.",
    payload: HoursVerified,
  }),
};
