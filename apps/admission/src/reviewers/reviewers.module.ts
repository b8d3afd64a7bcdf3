import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { GridAreasModule } from '@gridwork/area-read-model';
import { CreateReviewerTable1765000000400 } from './1765000000400-create-reviewer-table.js';
import { ReviewerEndpoints } from './reviewers.endpoints.js';
import { ReviewersService } from './reviewers.service.js';

/** Who reviews applications, per area. */
@Module({ imports: [GridAreasModule], providers: [ReviewersService, ReviewerEndpoints], exports: [ReviewersService] })
export class ReviewersModule {}

export const reviewersFeature: Feature = { module: ReviewersModule, migrations: [CreateReviewerTable1765000000400] };
