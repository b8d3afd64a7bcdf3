import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { GridAreasModule } from '@gridwork/area-read-model';
import { LedgerModule } from '../ledger/ledger.module.js';
import { VolunteersModule } from '../volunteers/volunteers.module.js';
import { StarsModule } from '../stars/stars.module.js';
import { EarningModule } from '../earning/earning.module.js';
import { CreateActivityTables1766000000500 } from './1766000000500-create-activity-tables.js';
import { ActivityEndpoints } from './activities.endpoints.js';
import { ActivitiesService } from './activities.service.js';

/** Service activities: posting, sign-up with a waiting list, check-in and out, verified hours deposited once, no-shows. */
@Module({ imports: [GridAreasModule, LedgerModule, VolunteersModule, StarsModule, EarningModule], providers: [ActivitiesService, ActivityEndpoints], exports: [ActivitiesService] })
export class ActivitiesModule {}

export const activitiesFeature: Feature = { module: ActivitiesModule, migrations: [CreateActivityTables1766000000500] };
