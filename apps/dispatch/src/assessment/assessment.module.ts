import { Module } from '@nestjs/common';
import { AssessmentEndpoints } from './assessment.endpoints.js';
import { AssessmentHandlers } from './assessment.handlers.js';
import { BoardService } from './board.service.js';
import { StatsService } from './stats.service.js';
import type { Feature } from '@gridwork/runtime';
import { CreateAssessment1764000000700 } from './1764000000700-create-assessment.js';

/**
 * Unified assessment (统一考核) and the live board: daily rollups kept from
 * dispatch's own case events, read by department or area over days and
 * months; the board reads open cases live.
 */
@Module({ providers: [AssessmentHandlers, StatsService, BoardService, AssessmentEndpoints] })
export class AssessmentModule {}

export const assessmentFeature: Feature = { module: AssessmentModule, migrations: [CreateAssessment1764000000700] };
