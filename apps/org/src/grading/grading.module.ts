import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { CreateGradingTables1767000001000 } from './1767000001000-create-grading-tables.js';
import { GradingEndpoints } from './grading.endpoints.js';
import { GradingService } from './grading.service.js';

/** The yearly grading (星级) and the rectification list (软弱涣散). */
@Module({ imports: [OrganizationsModule], providers: [GradingService, GradingEndpoints] })
export class GradingModule {}

export const gradingFeature: Feature = { module: GradingModule, migrations: [CreateGradingTables1767000001000] };
