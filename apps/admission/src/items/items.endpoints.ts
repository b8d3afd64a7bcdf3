import { Injectable } from '@nestjs/common';
import { subjects, type DefineItemRequest, type GetItemRequest, type ListItemsRequest, type WithdrawItemRequest } from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { ItemsService } from './items.service.js';

@Injectable()
export class ItemEndpoints {
  constructor(private readonly items: ItemsService) {}

  @Endpoint(subjects.admission.item.define)
  define(request: DefineItemRequest) {
    return this.items.define(request);
  }

  @Endpoint(subjects.admission.item.get)
  get(request: GetItemRequest) {
    return this.items.get(request);
  }

  @Endpoint(subjects.admission.item.list)
  list(request: ListItemsRequest) {
    return this.items.list(request);
  }

  @Endpoint(subjects.admission.item.withdraw)
  withdraw(request: WithdrawItemRequest) {
    return this.items.withdraw(request);
  }
}
