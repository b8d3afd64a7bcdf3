import { Injectable } from '@nestjs/common';
import { subjects, type AssessmentRequest, type LiveBoardRequest, type RankingRequest } from '@gridwork/contracts';
import { Endpoint, type RequestContext } from '@gridwork/messaging';
import { BoardService } from './board.service.js';
import { StatsService } from './stats.service.js';

@Injectable()
export class AssessmentEndpoints {
  constructor(
    private readonly stats: StatsService,
    private readonly board: BoardService,
  ) {}

  @Endpoint(subjects.dispatch.stats.assessment)
  assessment(request: AssessmentRequest, { department }: RequestContext) {
    return this.stats.assessment(request, department);
  }

  @Endpoint(subjects.dispatch.stats.ranking)
  ranking(request: RankingRequest) {
    return this.stats.ranking(request);
  }

  @Endpoint(subjects.dispatch.board.live)
  live(request: LiveBoardRequest) {
    return this.board.live(request);
  }
}
