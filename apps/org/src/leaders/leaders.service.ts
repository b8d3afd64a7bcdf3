import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  ErrorCode,
  GridworkError,
  type AppointRequest,
  type Appointment,
  type AppointmentList,
  type EndAppointmentRequest,
  type LeadersReport,
  type LeadersReportRequest,
  type LeadersRequest,
} from '@gridwork/contracts';
import { today } from '@gridwork/local-time';
import { compact, newId } from '@gridwork/persistence';
import { addDays } from '../calendar.js';
import { isCurrent } from '../members/member.rows.js';
import { MembersService } from '../members/members.service.js';
import { organizationOf, type OrganizationRow } from '../organizations/organization.rows.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { assertWithinAreas } from '../scope.js';

interface AppointmentRow {
  id: string;
  organization_id: string;
  member_id: string;
  member_name: string;
  role: Appointment['role'];
  from_on: string;
  term_ends_on: string;
  ended_on: string | null;
  end_reason: string | null;
}

const SELECT = `SELECT a.id, a.organization_id, a.member_id, m.name AS member_name, a.role, a.from_on::text AS from_on, a.term_ends_on::text AS term_ends_on,
    a.ended_on::text AS ended_on, a.end_reason FROM appointment a JOIN member m ON m.id = a.member_id`;

const appointmentOf = (row: AppointmentRow): Appointment =>
  compact({
    id: row.id,
    organizationId: row.organization_id,
    memberId: row.member_id,
    memberName: row.member_name,
    role: row.role,
    fromOn: row.from_on,
    termEndsOn: row.term_ends_on,
    endedOn: row.ended_on ?? undefined,
    endReason: row.end_reason ?? undefined,
  });

/** Leaders (书记, 委员): sole writer of `appointment`. */
@Injectable()
export class LeadersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly organizations: OrganizationsService,
    private readonly members: MembersService,
  ) {}

  async appoint(request: AppointRequest): Promise<Appointment> {
    if (request.termEndsOn <= request.fromOn) throw GridworkError.validation([{ field: 'termEndsOn', messages: ['termEndsOn is after fromOn'] }]);
    return this.dataSource.transaction(async (em) => {
      const organization = await this.organizations.current(em, request.organizationId, 'FOR UPDATE');
      assertWithinAreas(request.actor, organization.area_path, `organization ${organization.name}`);
      const member = await this.members.row(em, request.memberId);
      if (!isCurrent(member)) throw new GridworkError(ErrorCode.CONFLICT, `member ${member.number} has left`);
      // A leader is a member of the organization or of one below it.
      const [home] = await em.query<{ path: string }[]>(`SELECT path::text FROM organization WHERE id = $1`, [member.organization_id]);
      if (home!.path !== organization.path && !home!.path.startsWith(`${organization.path}.`)) {
        throw new GridworkError(ErrorCode.CONFLICT, `${member.name} (${member.number}) is not a member of ${organization.name} or an organization below it`);
      }
      const current = await em.query<AppointmentRow[]>(`${SELECT} WHERE a.organization_id = $1 AND a.ended_on IS NULL AND (a.role = 'secretary' AND $2 = 'secretary' OR a.member_id = $3)`, [
        organization.id,
        request.role,
        member.id,
      ]);
      if (current[0]) {
        const held = current[0];
        throw new GridworkError(
          ErrorCode.CONFLICT,
          held.member_id === member.id ? `${member.name} is ${held.role} of ${organization.name} already` : `${organization.name} has a secretary, ${held.member_name}: end that appointment first`,
        );
      }
      const id = newId();
      await em.query(`INSERT INTO appointment (id, organization_id, member_id, role, from_on, term_ends_on, appointed_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        id,
        organization.id,
        member.id,
        request.role,
        request.fromOn,
        request.termEndsOn,
        request.actor.id,
      ]);
      const [row] = await em.query<AppointmentRow[]>(`${SELECT} WHERE a.id = $1`, [id]);
      return appointmentOf(row!);
    });
  }

  async end(request: EndAppointmentRequest): Promise<Appointment> {
    return this.dataSource.transaction(async (em) => {
      const [row] = await em.query<AppointmentRow[]>(`${SELECT} WHERE a.id = $1 FOR UPDATE OF a`, [request.id]);
      if (!row) throw GridworkError.notFound(`appointment ${request.id}`);
      await this.organizations.visible(em, row.organization_id, request.actor);
      if (row.ended_on) throw new GridworkError(ErrorCode.CONFLICT, `the appointment ended on ${row.ended_on}`);
      if (request.on < row.from_on) throw GridworkError.validation([{ field: 'on', messages: [`on is before the appointment began (${row.from_on})`] }]);
      await em.query(`UPDATE appointment SET ended_on = $2, end_reason = $3 WHERE id = $1`, [row.id, request.on, request.reason]);
      const [ended] = await em.query<AppointmentRow[]>(`${SELECT} WHERE a.id = $1`, [row.id]);
      return appointmentOf(ended!);
    });
  }

  async list(request: LeadersRequest): Promise<AppointmentList> {
    await this.organizations.visible(this.dataSource.manager, request.organizationId, request.viewer);
    const rows = await this.dataSource.query<AppointmentRow[]>(`${SELECT} WHERE a.organization_id = $1 AND a.ended_on IS NULL ORDER BY a.role DESC, m.name, a.id`, [request.organizationId]);
    return { items: rows.map(appointmentOf) };
  }

  async report(request: LeadersReportRequest): Promise<LeadersReport> {
    const root = await this.organizations.visible(this.dataSource.manager, request.organizationId, request.viewer);
    const on = request.on ?? today();
    const until = addDays(on, request.withinDays ?? 90);
    const ending = await this.dataSource.query<AppointmentRow[]>(
      `${SELECT} JOIN organization o ON o.id = a.organization_id
        WHERE o.path <@ $1::ltree AND o.dissolved_at IS NULL AND a.ended_on IS NULL AND a.term_ends_on <= $2 ORDER BY a.term_ends_on, a.id`,
      [root.path, until],
    );
    const without = await this.dataSource.query<OrganizationRow[]>(
      `SELECT o.* FROM organization o WHERE o.path <@ $1::ltree AND o.dissolved_at IS NULL AND o.kind <> 'group'
          AND NOT EXISTS (SELECT 1 FROM appointment a WHERE a.organization_id = o.id AND a.role = 'secretary' AND a.ended_on IS NULL)
        ORDER BY o.path`,
      [root.path],
    );
    return { on, termsEnding: ending.map(appointmentOf), withoutSecretary: without.map(organizationOf) };
  }
}
