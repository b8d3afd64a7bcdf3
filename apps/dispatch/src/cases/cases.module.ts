import { Module } from '@nestjs/common';
import { AdmissionListsModule } from '../read-models/admission-lists/admission-lists.module.js';
import { GridAreasModule } from '../read-models/grid-areas/grid-areas.module.js';
import { CalendarModule } from '../calendar/calendar.module.js';
import { CategoriesModule } from '../categories/categories.module.js';
import { RoutingModule } from '../routing/routing.module.js';
import { CaseCommandsService } from './case-commands.service.js';
import { CaseNumbers } from './case-numbers.js';
import { CaseQueriesService } from './case-queries.service.js';
import { CaseEndpoints } from './cases.endpoints.js';
import { IntakeService } from './intake.service.js';
import type { Feature } from '@gridwork/runtime';
import { CreateCaseTables1764000000400 } from './1764000000400-create-case-tables.js';
import { IndexTimelineByTime1764000000910 } from './1764000000910-index-timeline-by-time.js';
import { AddCaseAttributes1764000000930 } from './1764000000930-add-case-attributes.js';

@Module({
  imports: [GridAreasModule, CategoriesModule, CalendarModule, RoutingModule, AdmissionListsModule],
  providers: [IntakeService, CaseNumbers, CaseCommandsService, CaseQueriesService, CaseEndpoints],
  exports: [CaseCommandsService],
})
export class CasesModule {}

export const casesFeature: Feature = { module: CasesModule, migrations: [CreateCaseTables1764000000400, IndexTimelineByTime1764000000910, AddCaseAttributes1764000000930] };
