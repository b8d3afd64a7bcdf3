import { Module } from '@nestjs/common';
import { PatrolEndpoints } from './patrols.endpoints.js';
import { PatrolsService } from './patrols.service.js';
import type { Feature } from '@gridwork/runtime';
import { CreatePatrolTables1763900000350 } from './1763900000350-create-patrol-tables.js';
import { CallerAreasModule } from '../caller-areas/caller-areas.module.js';

/** Daily patrols (日常巡查) of grids by their workers. */
@Module({ imports: [CallerAreasModule], providers: [PatrolsService, PatrolEndpoints] })
export class PatrolsModule {}

export const patrolsFeature: Feature = { module: PatrolsModule, migrations: [CreatePatrolTables1763900000350] };
