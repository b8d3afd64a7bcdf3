import { Injectable } from '@nestjs/common';
import { subjects, type GetPatrolRequest, type ListPatrolsRequest, type LogPatrolRequest, type PatrolCoverageRequest } from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { PatrolsService } from './patrols.service.js';
import { CallerAreas } from '../caller-areas/caller-areas.js';

@Injectable()
export class PatrolEndpoints {
  constructor(
    private readonly patrols: PatrolsService,
    private readonly callerAreas: CallerAreas,
  ) {}

  @Endpoint(subjects.grid.patrol.log)
  async log({ withinAreas, ...request }: LogPatrolRequest) {
    await this.callerAreas.area(withinAreas, request.gridCode, 'grid');
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
