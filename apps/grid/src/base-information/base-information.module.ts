import { Module } from '@nestjs/common';
import { BaseInformationEndpoints } from './base-information.endpoints.js';
import { BaseInformationService } from './base-information.service.js';
import type { Feature } from '@gridwork/runtime';
import { CreateBaseInformationTables1763900000300 } from './1763900000300-create-base-information-tables.js';
import { CallerAreasModule } from '../caller-areas/caller-areas.module.js';

/** Base information (人、地、事、物、组织) kept per grid by its workers. */
@Module({ imports: [CallerAreasModule], providers: [BaseInformationService, BaseInformationEndpoints] })
export class BaseInformationModule {}

export const baseInformationFeature: Feature = { module: BaseInformationModule, migrations: [CreateBaseInformationTables1763900000300] };
