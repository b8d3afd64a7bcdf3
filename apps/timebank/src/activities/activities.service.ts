import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ErrorCode,
  GridworkError,
  subjects,
  type Activity,
  type ActivityVolunteerRequest,
  type ActivityWithSignups,
  type CheckRequest,
  type GetActivityRequest,
  type PostActivityRequest,
  type Signup,
  type TimebankActor,
  type VerifyHoursRequest,
} from '@gridwork/contracts';
import { publishInTransaction } from '@gridwork/messaging';
import { GridAreasReadModel } from '@gridwork/area-read-model';
import { LedgerService } from '../ledger/ledger.service.js';
import { digestOf } from '../ledger/ledger.rows.js';
import { VolunteersService, assertWithin } from '../volunteers/volunteers.service.js';
import { StarsService } from '../stars/stars.service.js';
import { EarningService } from '../earning/earning.service.js';
import { ACTIVITY_COLUMNS, HOLDS_PLACE, SIGNUP_COLUMNS, toActivity, toSignup, type ActivityRow, type SignupRow } from './activity.rows.js';

/**
 * Activities and sign-ups: sole writer of `activity` and `signup`. Every
 * change to an activity's sign-ups locks the activity's row first, so places
 * are counted and the waiting list promoted under one lock; verifying hours
 * deposits them through the ledger in the same transaction, under the
 * command's id, and the sign-up keeps that transfer (unique), so hours are
 * deposited once.
 */
@Injectable()
export class ActivitiesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly areas: GridAreasReadModel,
    private readonly ledger: LedgerService,
    private readonly volunteers: VolunteersService,
    private readonly stars: StarsService,
    private readonly earning: EarningService,
  ) {}

  post(request: PostActivityRequest): Promise<Activity> {
    return this.dataSource.transaction(async (em) => {
      if (Date.parse(request.endsAt) <= Date.parse(request.startsAt)) throw GridworkError.validation([{ field: 'endsAt', messages: ['endsAt must be after startsAt'] }]);
      const community = await this.areas.current(em, request.communityCode);
      assertWithin(community.path, request.actor, `community ${request.communityCode}`);
      if (request.organizerKind === 'team' && !(await this.volunteers.team(em, request.organizerId))) throw GridworkError.notFound(`team ${request.organizerId}`);
      const skills = request.skills ?? [];
      const digest = digestOf('activity.post', {
        title: request.title,
        organizerKind: request.organizerKind,
        organizerId: request.organizerId,
        communityCode: request.communityCode,
        place: request.place,
        startsAt: new Date(request.startsAt).toISOString(),
        endsAt: new Date(request.endsAt).toISOString(),
        places: request.places,
        skills,
      });
      await em.query(
        `INSERT INTO activity (id, title, organizer_kind, organizer_id, community_code, community_path, place, starts_at, ends_at, places, skills, digest, posted_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (id) DO NOTHING`,
        [request.id, request.title, request.organizerKind, request.organizerId, request.communityCode, community.path, request.place, request.startsAt, request.endsAt, request.places, skills, digest, request.actor.id],
      );
      const row = (await this.activity(em, request.id))!;
      if (row.digest !== digest) throw new GridworkError(ErrorCode.CONFLICT, `activity ${request.id} was already posted with other content; a new activity needs a new id`);
      return toActivity(row);
    });
  }

  async get(request: GetActivityRequest): Promise<ActivityWithSignups> {
    const em = this.dataSource.manager;
    const row = await this.activity(em, request.id);
    if (!row) throw GridworkError.notFound(`activity ${request.id}`);
    const signups = await em.query<SignupRow[]>(
      `SELECT ${SIGNUP_COLUMNS} FROM signup s WHERE s.activity_id = $1 ORDER BY CASE s.state WHEN 'waiting' THEN 1 WHEN 'cancelled' THEN 2 ELSE 0 END, s.queue`,
      [request.id],
    );
    return { ...toActivity(row), signups: signups.map(toSignup) };
  }

  signUp(request: ActivityVolunteerRequest): Promise<Signup> {
    return this.change(request, async (em, activity, current) => {
      if (current && current.state !== 'cancelled') return current;
      const [{ taken }] = (await em.query<{ taken: number }[]>(`SELECT count(*)::int AS taken FROM signup WHERE activity_id = $1 AND state = ANY ($2::text[])`, [
        activity.id,
        HOLDS_PLACE,
      ])) as [{ taken: number }];
      const state = taken < activity.places ? 'signed-up' : 'waiting';
      // Signing up again after cancelling joins at the end of the list, with a new number.
      await em.query(
        `INSERT INTO signup (activity_id, volunteer_id, state) VALUES ($1, $2, $3)
         ON CONFLICT (activity_id, volunteer_id) DO UPDATE SET state = EXCLUDED.state, queue = nextval('signup_order'), signed_up_at = now()`,
        [activity.id, request.volunteerId, state],
      );
      return undefined;
    });
  }

  cancelSignUp(request: ActivityVolunteerRequest): Promise<Signup> {
    return this.change(request, async (em, activity, current) => {
      if (!current) throw GridworkError.notFound(`sign-up of volunteer ${request.volunteerId} for activity ${activity.id}`);
      if (current.state === 'cancelled') return current;
      if (current.state !== 'signed-up' && current.state !== 'waiting') throw new GridworkError(ErrorCode.CONFLICT, `the sign-up is ${current.state}: only one not yet checked in can be cancelled`);
      await this.setState(em, activity.id, request.volunteerId, 'cancelled');
      if (current.state === 'signed-up') {
        // The freed place goes to the first on the waiting list.
        await em.query(
          `UPDATE signup SET state = 'signed-up' WHERE (activity_id, volunteer_id) = (
             SELECT activity_id, volunteer_id FROM signup WHERE activity_id = $1 AND state = 'waiting' ORDER BY queue LIMIT 1)`,
          [activity.id],
        );
      }
      return undefined;
    });
  }

  checkIn(request: CheckRequest): Promise<Signup> {
    return this.change(request, async (em, activity, current) => {
      const signup = this.must(current, request, activity);
      if (signup.state === 'checked-in') return signup;
      if (signup.state !== 'signed-up') throw new GridworkError(ErrorCode.CONFLICT, `the sign-up is ${signup.state}: only a volunteer holding a place checks in`);
      await em.query(`UPDATE signup SET state = 'checked-in', checked_in_at = $3 WHERE activity_id = $1 AND volunteer_id = $2`, [activity.id, request.volunteerId, request.at ?? new Date()]);
      return undefined;
    });
  }

  checkOut(request: CheckRequest): Promise<Signup> {
    return this.change(request, async (em, activity, current) => {
      const signup = this.must(current, request, activity);
      if (signup.state === 'checked-out') return signup;
      if (signup.state !== 'checked-in') throw new GridworkError(ErrorCode.CONFLICT, `the sign-up is ${signup.state}: only a volunteer checked in checks out`);
      const at = request.at ? new Date(request.at) : new Date();
      if (at.getTime() <= Date.parse(signup.checkedInAt!)) throw GridworkError.validation([{ field: 'at', messages: [`at must be after the check-in, ${signup.checkedInAt}`] }]);
      await em.query(`UPDATE signup SET state = 'checked-out', checked_out_at = $3 WHERE activity_id = $1 AND volunteer_id = $2`, [activity.id, request.volunteerId, at]);
      return undefined;
    });
  }

  noShow(request: ActivityVolunteerRequest): Promise<Signup> {
    return this.change(request, async (em, activity, current) => {
      const signup = this.must(current, request, activity);
      if (signup.state === 'no-show') return signup;
      if (signup.state !== 'signed-up') throw new GridworkError(ErrorCode.CONFLICT, `the sign-up is ${signup.state}: only a volunteer who held a place and never checked in is a no-show`);
      await this.setState(em, activity.id, request.volunteerId, 'no-show');
      return undefined;
    });
  }

  /** The organizer verifies (or corrects) the minutes and they are deposited from the community's time pool, once. */
  verifyHours(request: VerifyHoursRequest): Promise<Signup> {
    return this.change(request, async (em, activity, current, volunteer) => {
      const signup = this.must(current, request, activity);
      const digest = digestOf('activity.verify-hours', { activityId: activity.id, volunteerId: request.volunteerId, minutes: request.minutes });
      if (signup.state === 'verified') {
        const [row] = await em.query<SignupRow[]>(`SELECT ${SIGNUP_COLUMNS} FROM signup s WHERE s.activity_id = $1 AND s.volunteer_id = $2`, [activity.id, request.volunteerId]);
        if (row!.transfer_id === request.id && row!.verify_digest === digest) return signup;
        throw new GridworkError(ErrorCode.CONFLICT, `the hours of volunteer ${request.volunteerId} for activity ${activity.id} are already verified (${signup.minutes} minutes, transfer ${signup.transferId}); correct them with transfer.correct`);
      }
      // Checked out, or checked in with the organizer giving the minutes (a forgotten check-out).
      if (signup.state !== 'checked-out' && !(signup.state === 'checked-in' && request.minutes !== undefined)) {
        throw new GridworkError(ErrorCode.CONFLICT, `the sign-up is ${signup.state}: hours are verified after check-out (or from check-in with the minutes given)`);
      }
      const measured = signup.checkedOutAt ? Math.floor((Date.parse(signup.checkedOutAt) - Date.parse(signup.checkedInAt!)) / 60_000) : 0;
      const minutes = request.minutes ?? measured;
      if (minutes < 1) throw new GridworkError(ErrorCode.CONFLICT, `less than a minute from check-in to check-out: give the minutes served`);
      // The community's time pool pays its volunteers' verified hours.
      const pool = await this.ledger.organizationAccount(em, 'community', activity.community_code, activity.community_code, 'time', request.actor);
      const transfer = await this.ledger.transferIn(em, {
        id: request.id,
        debitAccountId: pool,
        creditAccountId: volunteer.time_account_id,
        amount: minutes,
        code: 'service',
        reference: `activity:${activity.id}`,
        actor: request.actor,
      });
      await em.query(
        `UPDATE signup SET state = 'verified', minutes = $3, transfer_id = $4, verify_digest = $5, verified_by = $6, verified_at = now() WHERE activity_id = $1 AND volunteer_id = $2`,
        [activity.id, request.volunteerId, minutes, transfer.id, digest, request.actor.id],
      );
      // The same transaction adds the minutes to the volunteer's lifetime (their star may rise) and earns the area's points per hour.
      const star = await this.stars.addVerified(em, volunteer.id, minutes, new Date(transfer.createdAt));
      await this.earning.forServiceHours(em, volunteer, activity.community_path, minutes, `activity:${activity.id}`);
      const lifetime = star.lifetimeMinutes;
      await publishInTransaction(em, subjects.timebank.hours.verified, {
        // The deposit transfer is the ledger entry the org service counts once.
        entryId: transfer.id,
        volunteerId: volunteer.id,
        activityId: activity.id,
        activityName: activity.title,
        minutes,
        areaCode: activity.community_code,
        verifiedAt: transfer.createdAt,
        ...(volunteer.party_member_id ? { partyMemberId: volunteer.party_member_id } : {}),
        lifetimeMinutes: lifetime,
        verifiedBy: request.actor.id,
      });
      return undefined;
    });
  }

  /**
   * One change to a volunteer's sign-up: the activity locked, the actor's
   * scope checked, then `apply`, which returns the sign-up unchanged (a
   * repeat) or undefined after changing it, when it is read back.
   */
  private change(
    request: { activityId: string; volunteerId: string; actor: TimebankActor },
    apply: (em: EntityManager, activity: ActivityRow, current: Signup | undefined, volunteer: NonNullable<Awaited<ReturnType<VolunteersService['volunteer']>>>) => Promise<Signup | undefined>,
  ): Promise<Signup> {
    return this.dataSource.transaction(async (em) => {
      const [locked] = await em.query<{ id: string }[]>(`SELECT id FROM activity WHERE id = $1 FOR UPDATE`, [request.activityId]);
      if (!locked) throw GridworkError.notFound(`activity ${request.activityId}`);
      const activity = (await this.activity(em, request.activityId))!;
      assertWithin(activity.community_path, request.actor, `activity ${activity.title} (${activity.community_code})`);
      const volunteer = await this.volunteers.volunteer(em, request.volunteerId);
      if (!volunteer) throw GridworkError.notFound(`volunteer ${request.volunteerId}`);
      const read = async () => {
        const [row] = await em.query<SignupRow[]>(`SELECT ${SIGNUP_COLUMNS} FROM signup s WHERE s.activity_id = $1 AND s.volunteer_id = $2`, [request.activityId, request.volunteerId]);
        return row ? toSignup(row) : undefined;
      };
      const unchanged = await apply(em, activity, await read(), volunteer);
      return unchanged ?? (await read())!;
    });
  }

  private must(current: Signup | undefined, request: { volunteerId: string }, activity: ActivityRow): Signup {
    if (!current) throw GridworkError.notFound(`sign-up of volunteer ${request.volunteerId} for activity ${activity.id}`);
    return current;
  }

  private async setState(em: EntityManager, activityId: string, volunteerId: string, state: Signup['state']): Promise<void> {
    await em.query(`UPDATE signup SET state = $3 WHERE activity_id = $1 AND volunteer_id = $2`, [activityId, volunteerId, state]);
  }

  private async activity(em: EntityManager, id: string): Promise<ActivityRow | undefined> {
    const [row] = await em.query<ActivityRow[]>(`SELECT ${ACTIVITY_COLUMNS} FROM activity a WHERE a.id = $1`, [id]);
    return row;
  }
}
