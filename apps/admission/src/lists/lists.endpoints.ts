import { Injectable } from '@nestjs/common';
import {
  subjects,
  type CompareListsRequest,
  type DiscardDraftRequest,
  type EditDraftRequest,
  type GetListRequest,
  type ListVersionsRequest,
  type PublishListRequest,
} from '@gridwork/contracts';
import { DataSource } from 'typeorm';
import { Endpoint } from '@gridwork/messaging';
import { GridAreasReadModel } from '@gridwork/area-read-model';
import { ListsService } from './lists.service.js';

@Injectable()
export class ListEndpoints {
  constructor(
    private readonly lists: ListsService,
    private readonly dataSource: DataSource,
    private readonly areas: GridAreasReadModel,
  ) {}

  @Endpoint(subjects.admission.list.editDraft)
  async editDraft({ withinAreas, ...request }: EditDraftRequest) {
    await this.areas.assertWithin(this.dataSource.manager, withinAreas, request.areaCode, "the list's area");
    return this.lists.editDraft(request);
  }

  @Endpoint(subjects.admission.list.publish)
  async publish({ withinAreas, ...request }: PublishListRequest) {
    await this.areas.assertWithin(this.dataSource.manager, withinAreas, request.areaCode, "the list's area");
    return this.lists.publish(request);
  }

  @Endpoint(subjects.admission.list.discardDraft)
  async discardDraft({ withinAreas, ...request }: DiscardDraftRequest) {
    await this.areas.assertWithin(this.dataSource.manager, withinAreas, request.areaCode, "the list's area");
    return this.lists.discardDraft(request);
  }

  @Endpoint(subjects.admission.list.get)
  get(request: GetListRequest) {
    return this.lists.get(request);
  }

  @Endpoint(subjects.admission.list.versions)
  versions(request: ListVersionsRequest) {
    return this.lists.versions(request);
  }

  @Endpoint(subjects.admission.list.compare)
  compare(request: CompareListsRequest) {
    return this.lists.compare(request);
  }
}
