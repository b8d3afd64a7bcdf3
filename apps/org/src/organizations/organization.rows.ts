import type { Organization } from '@gridwork/contracts';
import { compact } from '@gridwork/persistence';

/** A row of `organization` (owned by organizations/), as the other folders read it. */
export interface OrganizationRow {
  id: string;
  label: string;
  name: string;
  kind: Organization['kind'];
  type: Organization['type'];
  area_code: string;
  area_path: string[];
  parent_id: string | null;
  path: string;
  grid_branch: boolean;
  setup: Organization['setup'];
  unit_codes: string[];
  host_id: string | null;
  instructor: string | null;
  created_at: Date;
  dissolved_at: Date | null;
  dissolution_reason: string | null;
  merged_into: string | null;
}

export const organizationOf = (row: OrganizationRow): Organization =>
  compact({
    id: row.id,
    name: row.name,
    kind: row.kind,
    type: row.type,
    areaCode: row.area_code,
    areaPath: row.area_path,
    parentId: row.parent_id ?? undefined,
    gridBranch: row.grid_branch,
    setup: row.setup,
    unitCodes: row.unit_codes,
    hostId: row.host_id ?? undefined,
    instructor: row.instructor ?? undefined,
    createdAt: row.created_at.toISOString(),
    dissolvedAt: row.dissolved_at?.toISOString(),
    dissolutionReason: row.dissolution_reason ?? undefined,
    mergedInto: row.merged_into ?? undefined,
  });

/** The district an area path lies in (city, district, ...): the second code, or the city itself for a city-level organization. */
export const districtOf = (areaPath: string[]): string => areaPath[1] ?? areaPath[0]!;
