import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { GridAreasModule } from '@gridwork/area-read-model';
import { CreateUnitTable1767000001100 } from './1767000001100-create-unit-table.js';
import { CoverageEndpoints } from './coverage.endpoints.js';
import { CoverageService } from './coverage.service.js';

/** Registered units and the two coverages (两个覆盖). */
@Module({ imports: [GridAreasModule], providers: [CoverageService, CoverageEndpoints] })
export class CoverageModule {}

export const coverageFeature: Feature = { module: CoverageModule, migrations: [CreateUnitTable1767000001100] };
