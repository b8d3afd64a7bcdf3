import { Module } from '@nestjs/common';
import { AreasModule } from '../areas/areas.module.js';
import { CategoriesModule } from '../categories/categories.module.js';
import { WorkersModule } from '../workers/workers.module.js';
import { RoutingEndpoints } from './routing.endpoints.js';
import { RoutingService } from './routing.service.js';

@Module({ imports: [AreasModule, CategoriesModule, WorkersModule], providers: [RoutingService, RoutingEndpoints], exports: [RoutingService] })
export class RoutingModule {}
