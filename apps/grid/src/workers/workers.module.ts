import { Module } from '@nestjs/common';
import { WorkersEndpoints } from './workers.endpoints.js';
import { WorkersService } from './workers.service.js';
import type { Feature } from '@gridwork/runtime';
import { CreateWorkerTables1763900000200 } from './1763900000200-create-worker-tables.js';

/** Grid workers, their assignments to grids over time, and the staffing report. */
@Module({ providers: [WorkersService, WorkersEndpoints], exports: [WorkersService] })
export class WorkersModule {}

export const workersFeature: Feature = { module: WorkersModule, migrations: [CreateWorkerTables1763900000200] };
