import { Module } from '@nestjs/common';
import { PatrolEndpoints } from './patrols.endpoints.js';
import { PatrolsService } from './patrols.service.js';

/** Daily patrols (日常巡查) of grids by their workers. */
@Module({ providers: [PatrolsService, PatrolEndpoints] })
export class PatrolsModule {}
