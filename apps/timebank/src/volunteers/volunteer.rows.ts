import type { Brand, Team, TeamMember, Volunteer } from '@gridwork/contracts';
import { compact } from '@gridwork/persistence';

export const VOLUNTEER_COLUMNS = 'id, name, home_community_code, home_path, skills, availability, party_member_id, time_account_id, points_account_id, registered_at';

export interface VolunteerRow {
  id: string;
  name: string;
  home_community_code: string;
  home_path: string[];
  skills: string[];
  availability: string[];
  party_member_id: string | null;
  time_account_id: string;
  points_account_id: string;
  registered_at: Date;
}

export function toVolunteer(row: VolunteerRow): Volunteer {
  return compact<Volunteer>({
    id: row.id,
    name: row.name,
    homeCommunityCode: row.home_community_code,
    skills: row.skills,
    availability: row.availability,
    partyMemberId: row.party_member_id ?? undefined,
    timeAccountId: row.time_account_id,
    pointsAccountId: row.points_account_id,
    registeredAt: row.registered_at.toISOString(),
  });
}

export interface BrandRow {
  id: string;
  name: string;
  area_code: string;
  description: string | null;
}

export const toBrand = (row: BrandRow): Brand => compact<Brand>({ id: row.id, name: row.name, areaCode: row.area_code, description: row.description ?? undefined });

export interface TeamRow {
  id: string;
  name: string;
  community_code: string;
  community_path: string[];
  brand_id: string | null;
}

export interface MemberRow {
  team_id: string;
  volunteer_id: string;
  role: TeamMember['role'];
  joined_at: Date;
}

export const toTeam = (row: TeamRow, members: MemberRow[]): Team =>
  compact<Team>({
    id: row.id,
    name: row.name,
    communityCode: row.community_code,
    brandId: row.brand_id ?? undefined,
    members: members.filter((m) => m.team_id === row.id).map((m) => ({ volunteerId: m.volunteer_id, role: m.role, joinedAt: m.joined_at.toISOString() })),
  });
