import { Module } from '@nestjs/common';
import { AssessmentEndpoints } from './assessment.endpoints.js';
import { AssessmentHandlers } from './assessment.handlers.js';
import { BoardService } from './board.service.js';
import { StatsService } from './stats.service.js';

/**
 * Unified assessment (统一考核) and the live board: daily rollups kept from
 * dispatch's own case events, read by department or area over days and
 * months; the board reads open cases live.
 */
@Module({ providers: [AssessmentHandlers, StatsService, BoardService, AssessmentEndpoints] })
export class AssessmentModule {}
