import { Module } from '@nestjs/common';
import { AdmissionModule } from '../admission/admission.module.js';
import { AreasModule } from '../areas/areas.module.js';
import { CategoriesModule } from '../categories/categories.module.js';
import { RoutingModule } from '../routing/routing.module.js';
import { CaseCommandsService } from './case-commands.service.js';
import { CaseNumbers } from './case-numbers.js';
import { CaseQueriesService } from './case-queries.service.js';
import { CaseEndpoints } from './cases.endpoints.js';
import { IntakeService } from './intake.service.js';
import type { Feature } from '@gridwork/runtime';
import { CreateCaseTables1764000000400 } from './1764000000400-create-case-tables.js';

@Module({
  imports: [AreasModule, CategoriesModule, RoutingModule, AdmissionModule],
  providers: [IntakeService, CaseNumbers, CaseCommandsService, CaseQueriesService, CaseEndpoints],
  exports: [CaseCommandsService],
})
export class CasesModule {}

export const casesFeature: Feature = { module: CasesModule, migrations: [CreateCaseTables1764000000400] };
