import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { GridAreasModule } from '@gridwork/area-read-model';
import { CreateLifeTables1767000000800 } from './1767000000800-create-life-tables.js';
import { LifeEndpoints } from './life.endpoints.js';
import { LifeService } from './life.service.js';

/** Organization life (组织生活) and its compliance. */
@Module({ imports: [OrganizationsModule, GridAreasModule], providers: [LifeService, LifeEndpoints] })
export class LifeModule {}

export const lifeFeature: Feature = { module: LifeModule, migrations: [CreateLifeTables1767000000800] };
