import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { GridAreasModule } from '@gridwork/area-read-model';
import { CreateOrganizationTable1767000000200 } from './1767000000200-create-organization-table.js';
import { IndexOrganizationUnits1767000001050 } from './1767000001050-index-organization-units.js';
import { OrganizationEndpoints } from './organizations.endpoints.js';
import { OrganizationsService } from './organizations.service.js';

/** The tree of party organizations (党组织). */
@Module({ imports: [GridAreasModule], providers: [OrganizationsService, OrganizationEndpoints], exports: [OrganizationsService] })
export class OrganizationsModule {}

export const organizationsFeature: Feature = { module: OrganizationsModule, migrations: [CreateOrganizationTable1767000000200, IndexOrganizationUnits1767000001050] };
