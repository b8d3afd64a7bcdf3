import type { Activity, Signup } from '@gridwork/contracts';
import { compact } from '@gridwork/persistence';

export const ACTIVITY_COLUMNS = `a.id, a.title, a.organizer_kind, a.organizer_id, a.community_code, a.community_path, a.place, a.starts_at, a.ends_at, a.places, a.skills, a.digest, a.posted_at,
  (SELECT count(*)::int FROM signup s WHERE s.activity_id = a.id AND s.state IN ('signed-up', 'checked-in', 'checked-out', 'verified')) AS taken,
  (SELECT count(*)::int FROM signup s WHERE s.activity_id = a.id AND s.state = 'waiting') AS waiting`;

export interface ActivityRow {
  id: string;
  title: string;
  organizer_kind: Activity['organizerKind'];
  organizer_id: string;
  community_code: string;
  community_path: string[];
  place: string;
  starts_at: Date;
  ends_at: Date;
  places: number;
  skills: string[];
  digest: string;
  posted_at: Date;
  taken: number;
  waiting: number;
}

export const toActivity = (row: ActivityRow): Activity => ({
  id: row.id,
  title: row.title,
  organizerKind: row.organizer_kind,
  organizerId: row.organizer_id,
  communityCode: row.community_code,
  place: row.place,
  startsAt: row.starts_at.toISOString(),
  endsAt: row.ends_at.toISOString(),
  places: row.places,
  taken: row.taken,
  waiting: row.waiting,
  skills: row.skills,
  postedAt: row.posted_at.toISOString(),
});

/** States that hold one of the activity's places. */
export const HOLDS_PLACE = ['signed-up', 'checked-in', 'checked-out', 'verified'];

export const SIGNUP_COLUMNS = `s.activity_id, s.volunteer_id, s.state, s.queue, s.signed_up_at, s.checked_in_at, s.checked_out_at, s.minutes, s.transfer_id, s.verify_digest,
  CASE WHEN s.state = 'waiting' THEN (SELECT count(*)::int FROM signup w WHERE w.activity_id = s.activity_id AND w.state = 'waiting' AND w.queue <= s.queue) END AS waiting_position`;

export interface SignupRow {
  activity_id: string;
  volunteer_id: string;
  state: Signup['state'];
  queue: string;
  signed_up_at: Date;
  checked_in_at: Date | null;
  checked_out_at: Date | null;
  minutes: number | null;
  transfer_id: string | null;
  verify_digest: string | null;
  waiting_position: number | null;
}

export const toSignup = (row: SignupRow): Signup =>
  compact<Signup>({
    activityId: row.activity_id,
    volunteerId: row.volunteer_id,
    state: row.state,
    waitingPosition: row.waiting_position ?? undefined,
    checkedInAt: row.checked_in_at?.toISOString(),
    checkedOutAt: row.checked_out_at?.toISOString(),
    minutes: row.minutes ?? undefined,
    transferId: row.transfer_id ?? undefined,
    signedUpAt: row.signed_up_at.toISOString(),
  });
