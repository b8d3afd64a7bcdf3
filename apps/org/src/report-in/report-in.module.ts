import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { MembersModule } from '../members/members.module.js';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { GridAreasModule } from '@gridwork/area-read-model';
import { CreateReportInTables1767000000600 } from './1767000000600-create-report-in-tables.js';
import { ReportInEndpoints } from './report-in.endpoints.js';
import { ReportInService } from './report-in.service.js';

/** Report in twice (双报到), with the service record timebank's verified hours build. */
@Module({ imports: [OrganizationsModule, MembersModule, GridAreasModule], providers: [ReportInService, ReportInEndpoints] })
export class ReportInModule {}

export const reportInFeature: Feature = { module: ReportInModule, migrations: [CreateReportInTables1767000000600] };
