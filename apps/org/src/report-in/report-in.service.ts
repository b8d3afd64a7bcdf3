import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  ErrorCode,
  GridworkError,
  subjects,
  type BranchReportInsRequest,
  type CommunityReportInsRequest,
  type HoursVerified,
  type RegisterReportInRequest,
  type ReportIn,
  type ReportInList,
} from '@gridwork/contracts';
import { today } from '@gridwork/local-time';
import { OnEvent, publishInTransaction, type EventContext } from '@gridwork/messaging';
import { newId } from '@gridwork/persistence';
import { isCurrent } from '../members/member.rows.js';
import { MembersService } from '../members/members.service.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { GridAreasReadModel } from '@gridwork/area-read-model';
import { assertWithinAreas } from '../scope.js';

interface ReportInRow {
  id: string;
  member_id: string;
  member_name: string;
  organization_id: string;
  community_code: string;
  volunteer_id: string;
  registered_on: string;
  minutes: number;
  entries: number;
}

const SELECT = `SELECT r.id, r.member_id, m.name AS member_name, m.organization_id, r.community_code, r.volunteer_id, r.registered_on::text AS registered_on,
    COALESCE(s.minutes, 0)::int AS minutes, COALESCE(s.entries, 0)::int AS entries
  FROM report_in r JOIN member m ON m.id = r.member_id
  LEFT JOIN LATERAL (SELECT sum(minutes) AS minutes, count(*) AS entries FROM service_entry e WHERE e.report_in_id = r.id) s ON true`;

const reportInOf = (row: ReportInRow): ReportIn => ({
  id: row.id,
  memberId: row.member_id,
  memberName: row.member_name,
  organizationId: row.organization_id,
  communityCode: row.community_code,
  volunteerId: row.volunteer_id,
  registeredOn: row.registered_on,
  serviceMinutes: row.minutes,
  serviceEntries: row.entries,
});

const listOf = (rows: ReportInRow[]): ReportInList => ({ items: rows.map(reportInOf), serviceMinutes: rows.reduce((sum, row) => sum + row.minutes, 0) });

/** Report in twice (双报到): sole writer of `report_in` and `service_entry`, which timebank's verified hours feed. */
@Injectable()
export class ReportInService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly organizations: OrganizationsService,
    private readonly members: MembersService,
    private readonly areas: GridAreasReadModel,
  ) {}

  async register(request: RegisterReportInRequest): Promise<ReportIn> {
    if (request.on > today()) throw GridworkError.validation([{ field: 'on', messages: ['on is in the future'] }]);
    return this.dataSource.transaction(async (em) => {
      const member = await this.members.row(em, request.memberId, 'FOR UPDATE');
      if (!isCurrent(member)) throw new GridworkError(ErrorCode.CONFLICT, `member ${member.number} has left (${member.leaving_reason}, ${member.left_on})`);
      const community = await this.areas.current(em, request.communityCode);
      if (community.level !== 'community') throw new GridworkError(ErrorCode.CONFLICT, `${community.code} is a ${community.level}: members report in to a community`);
      const organization = await this.organizations.visible(em, member.organization_id, undefined);
      // The member's own side or the community's may register it.
      assertWithinAreas(request.actor, [...organization.area_path, ...community.path], `member ${member.number} and community ${community.code}`);
      const [existing] = await em.query<{ community_code: string; volunteer_id: string; member_id: string }[]>(
        `SELECT community_code, volunteer_id, member_id FROM report_in WHERE member_id = $1 OR volunteer_id = $2`,
        [member.id, request.volunteerId],
      );
      if (existing) {
        throw new GridworkError(
          ErrorCode.CONFLICT,
          existing.member_id === member.id ? `member ${member.number} has reported in to ${existing.community_code} already` : `volunteer ${request.volunteerId} is another member's`,
        );
      }
      const id = newId();
      await em.query(`INSERT INTO report_in (id, member_id, community_code, community_path, volunteer_id, registered_on, registered_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        id,
        member.id,
        community.code,
        community.path,
        request.volunteerId,
        request.on,
        request.actor.id,
      ]);
      const [row] = await em.query<ReportInRow[]>(`${SELECT} WHERE r.id = $1`, [id]);
      const reportIn = reportInOf(row!);
      await publishInTransaction(em, subjects.org.reportIn.registered, { reportIn });
      return reportIn;
    });
  }

  async community(request: CommunityReportInsRequest): Promise<ReportInList> {
    const community = await this.areas.current(this.dataSource.manager, request.communityCode);
    assertWithinAreas(request.viewer, community.path, `community ${community.code}`);
    return listOf(await this.dataSource.query<ReportInRow[]>(`${SELECT} WHERE r.community_code = $1 ORDER BY m.name, r.id`, [community.code]));
  }

  async branch(request: BranchReportInsRequest): Promise<ReportInList> {
    const root = await this.organizations.visible(this.dataSource.manager, request.organizationId, request.viewer);
    return listOf(
      await this.dataSource.query<ReportInRow[]>(`${SELECT} JOIN organization o ON o.id = m.organization_id WHERE o.path <@ $1::ltree ORDER BY m.name, r.id`, [root.path]),
    );
  }

  /** Verified hours of a volunteer who is a reported-in member go to their service record; others are not ours. */
  @OnEvent(subjects.timebank.hours.verified)
  async onHoursVerified(hours: HoursVerified, { em }: EventContext): Promise<void> {
    await em.query(
      `INSERT INTO service_entry (entry_id, report_in_id, minutes, activity_name, area_code, verified_at)
       SELECT $1, r.id, $3, $4, $5, $6 FROM report_in r WHERE r.volunteer_id = $2
       ON CONFLICT (entry_id) DO NOTHING`,
      [hours.entryId, hours.volunteerId, hours.minutes, hours.activityName ?? null, hours.areaCode ?? null, hours.verifiedAt],
    );
  }
}
