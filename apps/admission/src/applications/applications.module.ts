import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { GridAreasModule } from '@gridwork/area-read-model';
import { ListsModule } from '../lists/lists.module.js';
import { GateModule } from '../gate/gate.module.js';
import { ReviewersModule } from '../reviewers/reviewers.module.js';
import { CreateApplicationTables1765000000500 } from './1765000000500-create-application-tables.js';
import { ApplicationEndpoints } from './applications.endpoints.js';
import { ApplicationsService } from './applications.service.js';

/** Applications (准入申请): submitted by departments, reviewed per area; approval reaches the list's draft. */
@Module({ imports: [GridAreasModule, ListsModule, GateModule, ReviewersModule], providers: [ApplicationsService, ApplicationEndpoints] })
export class ApplicationsModule {}

export const applicationsFeature: Feature = { module: ApplicationsModule, migrations: [CreateApplicationTables1765000000500] };
