import { Injectable } from '@nestjs/common';
import {
  subjects,
  type CreateAreaRequest,
  type GetAreaRequest,
  type ListAreaChildrenRequest,
  type LocatePointRequest,
  type UpdateAreaRequest,
} from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { AreasService } from './areas.service.js';
import { CallerAreas } from '../caller-areas/caller-areas.js';

@Injectable()
export class AreaEndpoints {
  constructor(
    private readonly areas: AreasService,
    private readonly callerAreas: CallerAreas,
  ) {}

  @Endpoint(subjects.grid.area.create)
  async create({ withinAreas, ...request }: CreateAreaRequest) {
    await this.callerAreas.area(withinAreas, request.parentCode, 'parent area');
    return this.areas.create(request);
  }

  @Endpoint(subjects.grid.area.update)
  async update({ withinAreas, ...request }: UpdateAreaRequest) {
    await this.callerAreas.area(withinAreas, request.code, 'area');
    return this.areas.update(request);
  }

  @Endpoint(subjects.grid.area.get)
  get(request: GetAreaRequest) {
    return this.areas.get(request);
  }

  @Endpoint(subjects.grid.area.children)
  children(request: ListAreaChildrenRequest) {
    return this.areas.children(request);
  }

  @Endpoint(subjects.grid.area.locate)
  locate(request: LocatePointRequest) {
    return this.areas.locate(request);
  }
}
