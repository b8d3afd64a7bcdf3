import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { AreasModule } from '../areas/areas.module.js';
import { GridsModule } from '../grids/grids.module.js';
import { AreaImportEndpoints } from './area-import.endpoints.js';
import { AreaImportService } from './area-import.service.js';

/** Bulk import of an area tree from GeoJSON (`grid.area.import`), storing its areas and grids through their owners. */
@Module({ imports: [AreasModule, GridsModule], providers: [AreaImportService, AreaImportEndpoints] })
export class AreaImportModule {}

export const areaImportFeature: Feature = { module: AreaImportModule };
