import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ErrorCode,
  GridworkError,
  type Brand,
  type BrandWithTeams,
  type DefineBrandRequest,
  type DefineTeamRequest,
  type GetBrandRequest,
  type GetTeamRequest,
  type GetVolunteerRequest,
  type ListVolunteersRequest,
  type RegisterVolunteerRequest,
  type Team,
  type TeamMembershipRequest,
  type TimebankActor,
  type Volunteer,
  type VolunteerPage,
} from '@gridwork/contracts';
import { newId, pageOf } from '@gridwork/persistence';
import { GridAreasReadModel } from '@gridwork/area-read-model';
import { LedgerService } from '../ledger/ledger.service.js';
import { VOLUNTEER_COLUMNS, toBrand, toTeam, toVolunteer, type BrandRow, type MemberRow, type TeamRow, type VolunteerRow } from './volunteer.rows.js';

const DEFAULT_PAGE = 100;

/** An actor acting within areas may act only on what lies inside one of them. */
export function assertWithin(path: string[], actor: TimebankActor, what: string): void {
  if (actor.areas && !actor.areas.some((code) => path.includes(code))) {
    throw new GridworkError(ErrorCode.FORBIDDEN, `${what} lies outside ${actor.areas.join(', ')} where ${actor.id} acts`);
  }
}

/** Volunteers, brands and teams: sole writer of `volunteer`, `brand`, `team` and `team_member`. */
@Injectable()
export class VolunteersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly areas: GridAreasReadModel,
    private readonly ledger: LedgerService,
  ) {}

  /** Registers a volunteer with their two accounts, or updates their profile; the home community stays. */
  register(request: RegisterVolunteerRequest): Promise<Volunteer> {
    return this.dataSource.transaction(async (em) => {
      // Two registrations of one new volunteer at once would both open accounts; the second waits here and updates instead.
      await em.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`volunteer:${request.id}`]);
      const home = await this.areas.current(em, request.homeCommunityCode);
      assertWithin(home.path, request.actor, `community ${request.homeCommunityCode}`);
      const profile = [request.name, request.skills ?? [], request.availability ?? [], request.partyMemberId ?? null];
      const [existing] = await em.query<VolunteerRow[]>(`SELECT ${VOLUNTEER_COLUMNS} FROM volunteer WHERE id = $1 FOR UPDATE`, [request.id]);
      if (existing) {
        if (existing.home_community_code !== request.homeCommunityCode) {
          throw new GridworkError(ErrorCode.CONFLICT, `volunteer ${request.id} is registered in ${existing.home_community_code}; their home community does not change, as their accounts belong to it`);
        }
        const [row] = await em.query<VolunteerRow[]>(
          `WITH changed AS (UPDATE volunteer SET name = $2, skills = $3, availability = $4, party_member_id = $5, updated_at = now() WHERE id = $1 RETURNING ${VOLUNTEER_COLUMNS})
           SELECT * FROM changed`,
          [request.id, ...profile],
        );
        return toVolunteer(row!);
      }
      const open = (currency: 'time' | 'points') =>
        this.ledger.openIn(em, { id: newId(), ownerKind: 'volunteer', ownerId: request.id, areaCode: request.homeCommunityCode, currency, debitsMustNotExceedCredits: true, actor: request.actor });
      const time = await open('time');
      const points = await open('points');
      const [row] = await em.query<VolunteerRow[]>(
        `INSERT INTO volunteer (id, name, skills, availability, party_member_id, home_community_code, home_path, time_account_id, points_account_id, registered_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${VOLUNTEER_COLUMNS}`,
        [request.id, ...profile, request.homeCommunityCode, home.path, time.id, points.id, request.actor.id],
      );
      return toVolunteer(row!);
    });
  }

  async get(request: GetVolunteerRequest): Promise<Volunteer> {
    const row = await this.volunteer(this.dataSource.manager, request.id);
    if (!row) throw GridworkError.notFound(`volunteer ${request.id}`);
    return toVolunteer(row);
  }

  /** A volunteer's row, for other features (activities, stars) that act on volunteers. */
  async volunteer(em: EntityManager, id: string): Promise<VolunteerRow | undefined> {
    const [row] = await em.query<VolunteerRow[]>(`SELECT ${VOLUNTEER_COLUMNS} FROM volunteer WHERE id = $1`, [id]);
    return row;
  }

  async list(request: ListVolunteersRequest): Promise<VolunteerPage> {
    const limit = request.limit ?? DEFAULT_PAGE;
    const rows = await this.dataSource.query<VolunteerRow[]>(
      `SELECT ${VOLUNTEER_COLUMNS} FROM volunteer
        WHERE ($1::text IS NULL OR home_path @> ARRAY[$1::text]) AND ($2::text IS NULL OR skills @> ARRAY[$2::text]) AND ($3::uuid IS NULL OR id > $3)
          AND ($5::text[] IS NULL OR home_path && $5::text[])
        ORDER BY id LIMIT $4`,
      [request.areaCode ?? null, request.skill ?? null, request.after ?? null, limit + 1, request.withinAreas ?? null],
    );
    return pageOf(rows, limit, (row) => row.id, toVolunteer);
  }

  defineBrand(request: DefineBrandRequest): Promise<Brand> {
    return this.dataSource.transaction(async (em) => {
      const area = await this.areas.current(em, request.areaCode);
      assertWithin(area.path, request.actor, `area ${request.areaCode}`);
      const [row] = await em.query<BrandRow[]>(
        `INSERT INTO brand (id, name, area_code, description, defined_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, defined_by = EXCLUDED.defined_by, updated_at = now()
           WHERE brand.area_code = EXCLUDED.area_code
         RETURNING id, name, area_code, description`,
        [request.id, request.name, request.areaCode, request.description ?? null, request.actor.id],
      );
      if (!row) throw new GridworkError(ErrorCode.CONFLICT, `brand ${request.id} belongs to another area`);
      return toBrand(row);
    });
  }

  async getBrand(request: GetBrandRequest): Promise<BrandWithTeams> {
    const [brand] = await this.dataSource.query<BrandRow[]>(`SELECT id, name, area_code, description FROM brand WHERE id = $1`, [request.id]);
    if (!brand) throw GridworkError.notFound(`brand ${request.id}`);
    const teams = await this.dataSource.query<TeamRow[]>(`SELECT * FROM team WHERE brand_id = $1 ORDER BY name, id`, [request.id]);
    const members = await this.members(this.dataSource.manager, teams.map((t) => t.id));
    return { ...toBrand(brand), teams: teams.map((t) => toTeam(t, members)) };
  }

  defineTeam(request: DefineTeamRequest): Promise<Team> {
    return this.dataSource.transaction(async (em) => {
      const community = await this.areas.current(em, request.communityCode);
      assertWithin(community.path, request.actor, `community ${request.communityCode}`);
      if (request.brandId) {
        const [brand] = await em.query<{ id: string }[]>(`SELECT id FROM brand WHERE id = $1`, [request.brandId]);
        if (!brand) throw GridworkError.notFound(`brand ${request.brandId}`);
      }
      const [row] = await em.query<TeamRow[]>(
        `INSERT INTO team (id, name, community_code, community_path, brand_id, defined_by) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, brand_id = EXCLUDED.brand_id, defined_by = EXCLUDED.defined_by, updated_at = now()
           WHERE team.community_code = EXCLUDED.community_code
         RETURNING *`,
        [request.id, request.name, request.communityCode, community.path, request.brandId ?? null, request.actor.id],
      );
      if (!row) throw new GridworkError(ErrorCode.CONFLICT, `team ${request.id} belongs to another community`);
      return toTeam(row, await this.members(em, [row.id]));
    });
  }

  async getTeam(request: GetTeamRequest): Promise<Team> {
    const row = await this.team(this.dataSource.manager, request.id);
    if (!row) throw GridworkError.notFound(`team ${request.id}`);
    return toTeam(row, await this.members(this.dataSource.manager, [row.id]));
  }

  /** A team's row, for activities a team organizes. */
  async team(em: EntityManager, id: string): Promise<TeamRow | undefined> {
    const [row] = await em.query<TeamRow[]>(`SELECT * FROM team WHERE id = $1`, [id]);
    return row;
  }

  join(request: TeamMembershipRequest): Promise<Team> {
    return this.membership(request, async (em) => {
      await em.query(
        `INSERT INTO team_member (team_id, volunteer_id, role) VALUES ($1, $2, $3) ON CONFLICT (team_id, volunteer_id) DO UPDATE SET role = EXCLUDED.role`,
        [request.teamId, request.volunteerId, request.role ?? 'member'],
      );
    });
  }

  leave(request: TeamMembershipRequest): Promise<Team> {
    return this.membership(request, async (em) => {
      await em.query(`DELETE FROM team_member WHERE team_id = $1 AND volunteer_id = $2`, [request.teamId, request.volunteerId]);
    });
  }

  private membership(request: TeamMembershipRequest, change: (em: EntityManager) => Promise<void>): Promise<Team> {
    return this.dataSource.transaction(async (em) => {
      const team = await this.team(em, request.teamId);
      if (!team) throw GridworkError.notFound(`team ${request.teamId}`);
      assertWithin(team.community_path, request.actor, `team ${team.name}`);
      if (!(await this.volunteer(em, request.volunteerId))) throw GridworkError.notFound(`volunteer ${request.volunteerId}`);
      await change(em);
      return toTeam(team, await this.members(em, [team.id]));
    });
  }

  private members(em: EntityManager, teamIds: string[]): Promise<MemberRow[]> {
    return em.query<MemberRow[]>(`SELECT team_id, volunteer_id, role, joined_at FROM team_member WHERE team_id = ANY ($1::uuid[]) ORDER BY joined_at, volunteer_id`, [teamIds]);
  }
}
