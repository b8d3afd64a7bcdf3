import { Injectable } from '@nestjs/common';
import { subjects, type GetPatrolRequest, type ListPatrolsRequest, type LogPatrolRequest, type PatrolCoverageRequest } from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { PatrolsService } from './patrols.service.js';

@Injectable()
export class PatrolEndpoints {
  constructor(private readonly patrols: PatrolsService) {}

  @Endpoint(subjects.grid.patrol.log)
  log(request: LogPatrolRequest) {
    return this.patrols.log(request);
  }

  @Endpoint(subjects.grid.patrol.get)
  get(request: GetPatrolRequest) {
    return this.patrols.get(request);
  }

  @Endpoint(subjects.grid.patrol.list)
  list(request: ListPatrolsRequest) {
    return this.patrols.list(request);
  }

  @Endpoint(subjects.grid.patrol.coverage)
  coverage(request: PatrolCoverageRequest) {
    return this.patrols.coverage(request);
  }
}
