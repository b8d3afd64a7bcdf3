import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { GridAreasModule } from '@gridwork/area-read-model';
import { LedgerModule } from '../ledger/ledger.module.js';
import { CreateVolunteerTables1766000000400 } from './1766000000400-create-volunteer-tables.js';
import { VolunteerEndpoints } from './volunteers.endpoints.js';
import { VolunteersService } from './volunteers.service.js';

/** Volunteers (with their time and points accounts), service brands and teams. */
@Module({ imports: [GridAreasModule, LedgerModule], providers: [VolunteersService, VolunteerEndpoints], exports: [VolunteersService] })
export class VolunteersModule {}

export const volunteersFeature: Feature = { module: VolunteersModule, migrations: [CreateVolunteerTables1766000000400] };
