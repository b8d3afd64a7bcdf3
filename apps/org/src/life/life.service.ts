import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  ErrorCode,
  GridworkError,
  type ComplianceReport,
  type ComplianceRequest,
  type Meeting,
  type RecordMeetingRequest,
  type Requirement,
  type RequirementList,
  type RequirementsRequest,
  type SetRequirementRequest,
  type Shortfall,
} from '@gridwork/contracts';
import { today } from '@gridwork/local-time';
import { newId } from '@gridwork/persistence';
import { lastDayOf, monthsBetween } from '../calendar.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { GridAreasReadModel } from '@gridwork/area-read-model';
import { assertWithinAreas } from '../scope.js';

const MONTHS_PER: Record<Requirement['per'], number> = { month: 1, quarter: 3, year: 12 };

interface RequirementRow {
  organization_type: Requirement['organizationType'];
  organization_kind: Requirement['organizationKind'];
  meeting_kind: Requirement['meetingKind'];
  times: number;
  per: Requirement['per'];
}

const requirementOf = (row: RequirementRow): Requirement => ({
  organizationType: row.organization_type,
  organizationKind: row.organization_kind,
  meetingKind: row.meeting_kind,
  times: row.times,
  per: row.per,
});

/** Organization life (组织生活): sole writer of `meeting` and `life_requirement`. */
@Injectable()
export class LifeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly organizations: OrganizationsService,
    private readonly areas: GridAreasReadModel,
  ) {}

  async record(request: RecordMeetingRequest): Promise<Meeting> {
    if (request.heldOn > today()) throw GridworkError.validation([{ field: 'heldOn', messages: ['heldOn is in the future'] }]);
    return this.dataSource.transaction(async (em) => {
      const organization = await this.organizations.current(em, request.organizationId, 'FOR SHARE');
      assertWithinAreas(request.actor, organization.area_path, `organization ${organization.name}`);
      const attendees = [...new Set(request.attendeeIds)];
      const known = await em.query<{ id: string }[]>(`SELECT id FROM member WHERE id = ANY ($1::uuid[]) AND status IN ('full', 'probationary')`, [attendees]);
      const unknown = attendees.filter((id) => !known.some((k) => k.id === id));
      if (unknown.length > 0) throw new GridworkError(ErrorCode.CONFLICT, `not current members: ${unknown.join(', ')}`);
      const id = newId();
      await em.query(`INSERT INTO meeting (id, organization_id, kind, held_on, topic, attendee_ids, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        id,
        organization.id,
        request.kind,
        request.heldOn,
        request.topic,
        attendees,
        request.actor.id,
      ]);
      return { id, organizationId: organization.id, kind: request.kind, heldOn: request.heldOn, topic: request.topic, attendeeIds: attendees };
    });
  }

  async setRequirement(request: SetRequirementRequest): Promise<RequirementList> {
    // One rule for the whole city: someone acting within areas does not set it.
    if (request.actor.areas) throw new GridworkError(ErrorCode.FORBIDDEN, `required frequencies are set for the whole city, not within ${request.actor.areas.join(', ')}`);
    if (request.times === 0) {
      await this.dataSource.query(`DELETE FROM life_requirement WHERE organization_type = $1 AND organization_kind = $2 AND meeting_kind = $3`, [
        request.organizationType,
        request.organizationKind,
        request.meetingKind,
      ]);
    } else {
      await this.dataSource.query(
        `INSERT INTO life_requirement VALUES ($1, $2, $3, $4, $5) ON CONFLICT (organization_type, organization_kind, meeting_kind) DO UPDATE SET times = EXCLUDED.times, per = EXCLUDED.per`,
        [request.organizationType, request.organizationKind, request.meetingKind, request.times, request.per],
      );
    }
    return this.requirements({ organizationType: request.organizationType });
  }

  async requirements(request: RequirementsRequest): Promise<RequirementList> {
    const rows = await this.dataSource.query<RequirementRow[]>(
      `SELECT * FROM life_requirement WHERE ($1::text IS NULL OR organization_type = $1) ORDER BY organization_type, organization_kind, meeting_kind`,
      [request.organizationType ?? null],
    );
    return { items: rows.map(requirementOf) };
  }

  async compliance(request: ComplianceRequest): Promise<ComplianceReport> {
    const wrong = [];
    if ((request.organizationId === undefined) === (request.areaCode === undefined)) {
      wrong.push(...['organizationId', 'areaCode'].map((field) => ({ field, messages: ['give exactly one of organizationId and areaCode'] })));
    }
    if (request.toMonth < request.fromMonth) wrong.push({ field: 'toMonth', messages: ['toMonth is before fromMonth'] });
    if (wrong.length > 0) throw GridworkError.validation(wrong);
    let scope: { path: string | null; area: string | null };
    if (request.organizationId) {
      scope = { path: (await this.organizations.visible(this.dataSource.manager, request.organizationId, request.viewer)).path, area: null };
    } else {
      const area = await this.areas.current(this.dataSource.manager, request.areaCode!);
      assertWithinAreas(request.viewer, area.path, `area ${area.code}`);
      scope = { path: null, area: area.code };
    }
    const rows = await this.dataSource.query<(RequirementRow & { id: string; name: string; area_code: string; created_month: string; held: number })[]>(
      `SELECT o.id, o.name, o.area_code, r.*, to_char(o.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS created_month,
              (SELECT count(*)::int FROM meeting mt WHERE mt.organization_id = o.id AND mt.kind = r.meeting_kind AND mt.held_on BETWEEN $3::date AND $4::date) AS held
         FROM organization o JOIN life_requirement r ON r.organization_type = o.type AND r.organization_kind = o.kind
        WHERE o.dissolved_at IS NULL AND to_char(o.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') <= $5 AND ($1::ltree IS NULL OR o.path <@ $1::ltree) AND ($2::text IS NULL OR o.area_path @> ARRAY[$2::text])
        ORDER BY o.area_code, o.name, o.id, r.meeting_kind`,
      [scope.path, scope.area, `${request.fromMonth}-01`, lastDayOf(request.toMonth), request.toMonth],
    );
    const shortfalls: Shortfall[] = [];
    const byOrganization = new Map<string, { area: string; short: boolean }>();
    for (const row of rows) {
      // An organization set up during the period owes only the months since.
      const months = monthsBetween(row.created_month > request.fromMonth ? row.created_month : request.fromMonth, request.toMonth);
      const required = Math.ceil((row.times * months) / MONTHS_PER[row.per]);
      const short = Math.max(0, required - row.held);
      const entry = byOrganization.get(row.id) ?? { area: row.area_code, short: false };
      entry.short ||= short > 0;
      byOrganization.set(row.id, entry);
      if (short > 0) shortfalls.push({ organizationId: row.id, name: row.name, areaCode: row.area_code, meetingKind: row.meeting_kind, required, held: row.held, short });
    }
    const areas = new Map<string, { organizations: number; compliant: number }>();
    for (const { area, short } of byOrganization.values()) {
      const figures = areas.get(area) ?? { organizations: 0, compliant: 0 };
      figures.organizations += 1;
      if (!short) figures.compliant += 1;
      areas.set(area, figures);
    }
    return {
      fromMonth: request.fromMonth,
      toMonth: request.toMonth,
      organizations: byOrganization.size,
      compliant: [...byOrganization.values()].filter((o) => !o.short).length,
      byArea: [...areas].map(([areaCode, figures]) => ({ areaCode, ...figures })),
      shortfalls,
    };
  }
}
