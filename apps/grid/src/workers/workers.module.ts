import { Module } from '@nestjs/common';
import { WorkersEndpoints } from './workers.endpoints.js';
import { WorkersService } from './workers.service.js';

/** Grid workers, their assignments to grids over time, and the staffing report. */
@Module({ providers: [WorkersService, WorkersEndpoints], exports: [WorkersService] })
export class WorkersModule {}
