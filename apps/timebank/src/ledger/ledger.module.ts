import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { GridAreasModule } from '@gridwork/area-read-model';
import { CreateLedgerTables1766000000200 } from './1766000000200-create-ledger-tables.js';
import { LedgerEndpoints } from './ledger.endpoints.js';
import { LedgerService } from './ledger.service.js';
import { PendingTimeouts } from './pending-timeouts.js';

/** The ledger of hours and points: accounts, transfers, entries, reservations and their timer. */
@Module({ imports: [GridAreasModule], providers: [LedgerService, LedgerEndpoints, PendingTimeouts], exports: [LedgerService] })
export class LedgerModule {}

export const ledgerFeature: Feature = { module: LedgerModule, migrations: [CreateLedgerTables1766000000200] };
