import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { GridAreasModule } from '@gridwork/area-read-model';
import { CreateEvaluationTable1766000000900 } from './1766000000900-create-evaluation-table.js';
import { ReportEndpoints } from './reports.endpoints.js';
import { ReportsService } from './reports.service.js';

/** Reports per volunteer, team and community, leaderboards, and evaluations of service by those served. */
@Module({ imports: [GridAreasModule], providers: [ReportsService, ReportEndpoints] })
export class ReportsModule {}

export const reportsFeature: Feature = { module: ReportsModule, migrations: [CreateEvaluationTable1766000000900] };
