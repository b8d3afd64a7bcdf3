import { Module } from '@nestjs/common';
import { GridAreasModule } from '../read-models/grid-areas/grid-areas.module.js';
import { CategoriesModule } from '../categories/categories.module.js';
import { GridWorkersModule } from '../read-models/grid-workers/grid-workers.module.js';
import { RoutingEndpoints } from './routing.endpoints.js';
import { RoutingService } from './routing.service.js';
import type { Feature } from '@gridwork/runtime';
import { CreateRoutingRules1764000000300 } from './1764000000300-create-routing-rules.js';

@Module({ imports: [GridAreasModule, CategoriesModule, GridWorkersModule], providers: [RoutingService, RoutingEndpoints], exports: [RoutingService] })
export class RoutingModule {}

export const routingFeature: Feature = { module: RoutingModule, migrations: [CreateRoutingRules1764000000300] };
