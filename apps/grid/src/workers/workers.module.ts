import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { CreateWorkerTables1763900000200 } from './1763900000200-create-worker-tables.js';
import { AssignmentsEndpoints } from './assignments.endpoints.js';
import { AssignmentsService } from './assignments.service.js';
import { WorkersEndpoints } from './workers.endpoints.js';
import { WorkersService } from './workers.service.js';
import { CallerAreasModule } from '../caller-areas/caller-areas.module.js';

/**
 * Grid workers (`worker`, WorkersService) and their assignments to grids over
 * time (`worker_assignment`, AssignmentsService), side by side: a worker's
 * reply carries the assignments held today and leaving ends them, while an
 * assignment needs its worker's row. Grids end assignments through
 * AssignmentsService when a split or merge retires a grid.
 */
@Module({ imports: [CallerAreasModule], providers: [WorkersService, AssignmentsService, WorkersEndpoints, AssignmentsEndpoints], exports: [AssignmentsService] })
export class WorkersModule {}

export const workersFeature: Feature = { module: WorkersModule, migrations: [CreateWorkerTables1763900000200] };
