import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { GridAreasModule } from '@gridwork/area-read-model';
import { LedgerModule } from '../ledger/ledger.module.js';
import { VolunteersModule } from '../volunteers/volunteers.module.js';
import { CreateEarningTables1766000000700 } from './1766000000700-create-earning-tables.js';
import { EarningEndpoints } from './earning.endpoints.js';
import { EarningService } from './earning.service.js';
import { PointsExpiry } from './points-expiry.js';

/** Earning rules per area and their awards: for service hours, good deeds and couriers' whistle reports (dispatch's closed cases). */
@Module({ imports: [GridAreasModule, LedgerModule, VolunteersModule], providers: [EarningService, EarningEndpoints, PointsExpiry], exports: [EarningService] })
export class EarningModule {}

export const earningFeature: Feature = { module: EarningModule, migrations: [CreateEarningTables1766000000700] };
