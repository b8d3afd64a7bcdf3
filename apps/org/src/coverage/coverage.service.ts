import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  MEMBERS_FOR_OWN_ORGANIZATION,
  UNIT_TYPES,
  type TwoCoveragesFigures,
  type TwoCoveragesReport,
  type TwoCoveragesRequest,
  type CoverageState,
  type RegisterUnitRequest,
  type Unit,
  type UnitType,
} from '@gridwork/contracts';
import { GridAreasReadModel } from '@gridwork/area-read-model';
import { assertWithinAreas } from '../scope.js';

/** A unit's coverage: an organization set up in it, or an instructor's party work, or neither. */
const COVERAGE_SQL = `CASE
    WHEN EXISTS (SELECT 1 FROM organization o WHERE o.unit_codes @> ARRAY[u.code] AND o.dissolved_at IS NULL AND o.setup <> 'instructor') THEN 'organization'
    WHEN EXISTS (SELECT 1 FROM organization o WHERE o.unit_codes @> ARRAY[u.code] AND o.dissolved_at IS NULL AND o.setup = 'instructor') THEN 'work-only'
    ELSE 'not-covered' END`;

interface UnitRow {
  code: string;
  name: string;
  type: UnitType;
  area_code: string;
  employees: number;
  party_members: number;
  coverage: CoverageState;
  child_area: string | null;
}

const empty = (): TwoCoveragesFigures => ({ units: 0, withOrganization: 0, workOnly: 0, notCovered: 0, shouldOrganize: 0 });

function add(figures: TwoCoveragesFigures, row: UnitRow): void {
  figures.units += 1;
  if (row.coverage === 'organization') figures.withOrganization += 1;
  else if (row.coverage === 'work-only') figures.workOnly += 1;
  else figures.notCovered += 1;
  if (row.coverage !== 'organization' && row.party_members >= MEMBERS_FOR_OWN_ORGANIZATION) figures.shouldOrganize += 1;
}

/** Two coverages (两个覆盖): sole writer of `unit`; coverage is read from the organizations that name each unit. */
@Injectable()
export class CoverageService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly areas: GridAreasReadModel,
  ) {}

  async register(request: RegisterUnitRequest): Promise<Unit> {
    return this.dataSource.transaction(async (em) => {
      const area = await this.areas.current(em, request.areaCode);
      assertWithinAreas(request.actor, area.path, `area ${area.code}`);
      await em.query(
        `INSERT INTO unit (code, name, type, area_code, area_path, employees, party_members, registered_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, type = EXCLUDED.type, area_code = EXCLUDED.area_code, area_path = EXCLUDED.area_path,
           employees = EXCLUDED.employees, party_members = EXCLUDED.party_members, registered_by = EXCLUDED.registered_by, updated_at = now()`,
        [request.code, request.name, request.type, area.code, area.path, request.employees, request.partyMembers, request.actor.id],
      );
      const [row] = await em.query<UnitRow[]>(`SELECT u.*, ${COVERAGE_SQL} AS coverage FROM unit u WHERE u.code = $1`, [request.code]);
      return { code: row!.code, name: row!.name, type: row!.type, areaCode: row!.area_code, employees: row!.employees, partyMembers: row!.party_members, coverage: row!.coverage };
    });
  }

  async report(request: TwoCoveragesRequest): Promise<TwoCoveragesReport> {
    const area = await this.areas.current(this.dataSource.manager, request.areaCode);
    assertWithinAreas(request.viewer, area.path, `area ${area.code}`);
    const rows = await this.dataSource.query<UnitRow[]>(
      `SELECT u.*, ${COVERAGE_SQL} AS coverage, u.area_path[array_position(u.area_path, $1::text) + 1] AS child_area
         FROM unit u WHERE u.area_path @> ARRAY[$1::text]`,
      [area.code],
    );
    const total = empty();
    const byType = new Map(UNIT_TYPES.map((type) => [type, empty()]));
    const byChild = new Map<string, TwoCoveragesFigures>();
    for (const row of rows) {
      add(total, row);
      add(byType.get(row.type)!, row);
      if (row.child_area) {
        if (!byChild.has(row.child_area)) byChild.set(row.child_area, empty());
        add(byChild.get(row.child_area)!, row);
      }
    }
    return {
      areaCode: area.code,
      ...total,
      byType: UNIT_TYPES.map((type) => ({ type, ...byType.get(type)! })),
      byChildArea: [...byChild].sort(([a], [b]) => (a < b ? -1 : 1)).map(([areaCode, figures]) => ({ areaCode, ...figures })),
    };
  }
}
