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
import { Endpoint } from '@gridwork/messaging';
import { ListsService } from './lists.service.js';

@Injectable()
export class ListEndpoints {
  constructor(private readonly lists: ListsService) {}

  @Endpoint(subjects.admission.list.editDraft)
  editDraft(request: EditDraftRequest) {
    return this.lists.editDraft(request);
  }

  @Endpoint(subjects.admission.list.publish)
  publish(request: PublishListRequest) {
    return this.lists.publish(request);
  }

  @Endpoint(subjects.admission.list.discardDraft)
  discardDraft(request: DiscardDraftRequest) {
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
