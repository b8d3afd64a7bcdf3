import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { AreasModule } from '../areas/areas.module.js';
import { NetworksModule } from '../networks/networks.module.js';
import { WorkersModule } from '../workers/workers.module.js';
import { CoverageService } from './coverage.service.js';
import { GridHistoryService } from './grid-history.service.js';
import { GridEndpoints } from './grids.endpoints.js';
import { GridsService } from './grids.service.js';
import { CallerAreasModule } from '../caller-areas/caller-areas.module.js';

/**
 * Base grids, their split and merge with lineage, and coverage checks. A
 * grid's `area` row is written through AreasService; a reshape moves network
 * mappings and ends assignments through their owners.
 */
@Module({ imports: [CallerAreasModule, AreasModule, NetworksModule, WorkersModule], providers: [GridsService, CoverageService, GridHistoryService, GridEndpoints], exports: [GridsService] })
export class GridsModule {}

// Its tables (grid, grid_lineage) are created by the areas feature's first migration.
export const gridsFeature: Feature = { module: GridsModule };
