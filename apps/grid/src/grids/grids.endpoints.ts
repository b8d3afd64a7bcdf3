import { Injectable } from '@nestjs/common';
import {
  subjects,
  type CheckCoverageRequest,
  type CreateGridRequest,
  type GetGridRequest,
  type GridHistoryRequest,
  type ListGridsRequest,
  type MergeGridsRequest,
  type SplitGridRequest,
  type UpdateGridRequest,
} from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { CoverageService } from './coverage.service.js';
import { GridHistoryService } from './grid-history.service.js';
import { GridsService } from './grids.service.js';
import { CallerAreas } from '../caller-areas/caller-areas.js';

@Injectable()
export class GridEndpoints {
  constructor(
    private readonly grids: GridsService,
    private readonly coverage: CoverageService,
    private readonly history: GridHistoryService,
    private readonly callerAreas: CallerAreas,
  ) {}

  @Endpoint(subjects.grid.grid.create)
  async create({ withinAreas, ...request }: CreateGridRequest) {
    await this.callerAreas.area(withinAreas, request.communityCode, 'community');
    return this.grids.create(request);
  }

  @Endpoint(subjects.grid.grid.update)
  async update({ withinAreas, ...request }: UpdateGridRequest) {
    await this.callerAreas.area(withinAreas, request.code, 'grid');
    return this.grids.update(request);
  }

  @Endpoint(subjects.grid.grid.get)
  get(request: GetGridRequest) {
    return this.grids.get(request);
  }

  @Endpoint(subjects.grid.grid.list)
  list(request: ListGridsRequest) {
    return this.grids.list(request);
  }

  @Endpoint(subjects.grid.grid.split)
  async split({ withinAreas, ...request }: SplitGridRequest) {
    await this.callerAreas.area(withinAreas, request.code, 'grid');
    return this.grids.split(request);
  }

  @Endpoint(subjects.grid.grid.merge)
  merge(request: MergeGridsRequest) {
    return this.grids.merge(request);
  }

  @Endpoint(subjects.grid.grid.history)
  lineage(request: GridHistoryRequest) {
    return this.history.of(request);
  }

  @Endpoint(subjects.grid.grid.checkCoverage)
  checkCoverage(request: CheckCoverageRequest) {
    return this.coverage.check(request);
  }
}
