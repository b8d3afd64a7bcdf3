import { Module } from '@nestjs/common';
import { AreaImportService } from './area-import.service.js';
import { AreaEndpoints } from './areas.endpoints.js';
import { AreasService } from './areas.service.js';
import type { Feature } from '@gridwork/runtime';
import { CreateAreaTables1763900000100 } from './1763900000100-create-area-tables.js';
import { StoreAreaBoundingBoxes1763900000110 } from './1763900000110-store-area-bounding-boxes.js';

@Module({ providers: [AreasService, AreaImportService, AreaEndpoints] })
export class AreasModule {}

export const areasFeature: Feature = { module: AreasModule, migrations: [CreateAreaTables1763900000100, StoreAreaBoundingBoxes1763900000110] };
