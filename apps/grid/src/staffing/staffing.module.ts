import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { StaffingEndpoints } from './staffing.endpoints.js';
import { StaffingService } from './staffing.service.js';

/** The staffing report: workers serving each community against 18 per 10,000 residents. It reads grids and assignments and writes nothing. */
@Module({ providers: [StaffingService, StaffingEndpoints] })
export class StaffingModule {}

export const staffingFeature: Feature = { module: StaffingModule };
