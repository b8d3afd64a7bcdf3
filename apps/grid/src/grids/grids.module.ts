import { Module } from '@nestjs/common';
import { NetworksModule } from '../networks/networks.module.js';
import { WorkersModule } from '../workers/workers.module.js';
import { CoverageService } from './coverage.service.js';
import { GridHistoryService } from './grid-history.service.js';
import { GridEndpoints } from './grids.endpoints.js';
import { GridsService } from './grids.service.js';
import type { Feature } from '@gridwork/runtime';

@Module({ imports: [NetworksModule, WorkersModule], providers: [GridsService, CoverageService, GridHistoryService, GridEndpoints] })
export class GridsModule {}

export const gridsFeature: Feature = { module: GridsModule };
