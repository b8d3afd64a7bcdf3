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

@Injectable()
export class AreaEndpoints {
  constructor(private readonly areas: AreasService) {}

  @Endpoint(subjects.grid.area.create)
  create(request: CreateAreaRequest) {
    return this.areas.create(request);
  }

  @Endpoint(subjects.grid.area.update)
  update(request: UpdateAreaRequest) {
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
