import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { CreateAreaTables1763900000100 } from './1763900000100-create-area-tables.js';
import { StoreAreaBoundingBoxes1763900000110 } from './1763900000110-store-area-bounding-boxes.js';
import { AreaEndpoints } from './areas.endpoints.js';
import { AreasService } from './areas.service.js';
import { CallerAreasModule } from '../caller-areas/caller-areas.module.js';

/** The area tree and "where is this?"; AreasService is the one writer of the `area` table, grids' rows included. */
@Module({ imports: [CallerAreasModule], providers: [AreasService, AreaEndpoints], exports: [AreasService] })
export class AreasModule {}

export const areasFeature: Feature = {
  module: AreasModule,
  // The first migration also creates the tables of grids (grid, grid_lineage) and networks (network_grid,
  // network_grid_mapping). Databases have it recorded under this name, so it stays whole and is listed here,
  // with the area table every other one refers to.
  migrations: [CreateAreaTables1763900000100, StoreAreaBoundingBoxes1763900000110],
};
