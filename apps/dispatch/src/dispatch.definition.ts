import type { ServiceDefinition } from '@gridwork/runtime';
import { CreateAdmissionReadModel1764000000450 } from './admission/1764000000450-create-admission-read-model.js';
import { AdmissionModule } from './admission/admission.module.js';
import { CreateAreaReadModel1764000000100 } from './areas/1764000000100-create-area-read-model.js';
import { AreasModule } from './areas/areas.module.js';
import { CreateAssessment1764000000700 } from './assessment/1764000000700-create-assessment.js';
import { AssessmentModule } from './assessment/assessment.module.js';
import { CreateCaseTables1764000000400 } from './cases/1764000000400-create-case-tables.js';
import { CasesModule } from './cases/cases.module.js';
import { CreateCategoryTables1764000000200 } from './categories/1764000000200-create-category-tables.js';
import { CategoriesModule } from './categories/categories.module.js';
import { NoticesModule } from './notices/notices.module.js';
import { CreateRoutingRules1764000000300 } from './routing/1764000000300-create-routing-rules.js';
import { RoutingModule } from './routing/routing.module.js';
import { CreateSupervision1764000000500 } from './supervision/1764000000500-create-supervision.js';
import { SupervisionModule } from './supervision/supervision.module.js';
import { CreateWhistles1764000000600 } from './whistles/1764000000600-create-whistles.js';
import { WhistlesModule } from './whistles/whistles.module.js';
import { CreateGridWorkerReadModel1764000000150 } from './workers/1764000000150-create-grid-worker-read-model.js';
import { WorkersModule } from './workers/workers.module.js';

/**
 * The dispatch service (domain.md §3), the event dispatch hub: unified
 * intake, routing by responsibility, deadlines, supervision and escalation,
 * whistles and report-ins, satisfaction callbacks, assessment and the live
 * board, and notifications to departments. It keeps read models of the grid
 * service's areas and worker assignments and of the admission service's lists.
 */
export const dispatchService: ServiceDefinition = {
  service: 'dispatch',
  defaultHttpPort: 3003,
  extensions: ['postgis'],
  migrations: [
    CreateAreaReadModel1764000000100,
    CreateGridWorkerReadModel1764000000150,
    CreateCategoryTables1764000000200,
    CreateRoutingRules1764000000300,
    CreateCaseTables1764000000400,
    CreateAdmissionReadModel1764000000450,
    CreateSupervision1764000000500,
    CreateWhistles1764000000600,
    CreateAssessment1764000000700,
  ],
  imports: [
    AreasModule,
    WorkersModule,
    AdmissionModule,
    CategoriesModule,
    RoutingModule,
    CasesModule,
    SupervisionModule,
    WhistlesModule,
    NoticesModule,
    AssessmentModule,
  ],
};
