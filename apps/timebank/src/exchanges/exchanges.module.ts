import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { GridAreasModule } from '@gridwork/area-read-model';
import { LedgerModule } from '../ledger/ledger.module.js';
import { VolunteersModule } from '../volunteers/volunteers.module.js';
import { CreateExchangeTable1766000000800 } from './1766000000800-create-exchange-table.js';
import { ExchangeEndpoints } from './exchanges.endpoints.js';
import { ExchangesService } from './exchanges.service.js';

/** Spending hours: services between volunteers paid in minutes, gifts to family, moves between communities' banks. */
@Module({ imports: [GridAreasModule, LedgerModule, VolunteersModule], providers: [ExchangesService, ExchangeEndpoints] })
export class ExchangesModule {}

export const exchangesFeature: Feature = { module: ExchangesModule, migrations: [CreateExchangeTable1766000000800] };
