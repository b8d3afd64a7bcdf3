import { Module } from '@nestjs/common';
import { AreasModule } from '../areas/areas.module.js';
import { CategoriesModule } from '../categories/categories.module.js';
import { WorkersModule } from '../workers/workers.module.js';
import { RoutingEndpoints } from './routing.endpoints.js';
import { RoutingService } from './routing.service.js';
import type { Feature } from '@gridwork/runtime';
import { CreateRoutingRules1764000000300 } from './1764000000300-create-routing-rules.js';

@Module({ imports: [AreasModule, CategoriesModule, WorkersModule], providers: [RoutingService, RoutingEndpoints], exports: [RoutingService] })
export class RoutingModule {}

export const routingFeature: Feature = { module: RoutingModule, migrations: [CreateRoutingRules1764000000300] };
