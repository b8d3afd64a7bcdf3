import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { GridAreasModule } from '@gridwork/area-read-model';
import { GateModule } from '../gate/gate.module.js';
import { CreateRefusedPushTable1765000000600 } from './1765000000600-create-refused-push-table.js';
import { ReportEndpoints } from './reports.endpoints.js';
import { ReportsService } from './reports.service.js';

/** Burden-reduction figures and what a community may display; keeps dispatch's refused pushes. */
@Module({ imports: [GridAreasModule, GateModule], providers: [ReportsService, ReportEndpoints] })
export class ReportsModule {}

export const reportsFeature: Feature = { module: ReportsModule, migrations: [CreateRefusedPushTable1765000000600] };
