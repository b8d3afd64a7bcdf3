import { Module } from '@nestjs/common';
import { AssessmentsService } from './assessments.service.js';
import { CareersEndpoints } from './careers.endpoints.js';
import { CareersService } from './careers.service.js';
import { ReservePoolService } from './reserve-pool.service.js';
import { TrainingService } from './training.service.js';
import type { Feature } from '@gridwork/runtime';
import { CreateCareerTables1763900000250 } from './1763900000250-create-career-tables.js';
import { CallerAreasModule } from '../caller-areas/caller-areas.module.js';

/** The career ladder (三岗十八级), assessment, training and certificates, and the reserve talent pool. */
@Module({ imports: [CallerAreasModule], providers: [CareersService, AssessmentsService, TrainingService, ReservePoolService, CareersEndpoints] })
export class CareersModule {}

export const careersFeature: Feature = { module: CareersModule, migrations: [CreateCareerTables1763900000250] };
