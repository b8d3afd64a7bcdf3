import { Injectable } from '@nestjs/common';
import { subjects, type ListSupervisionOrdersRequest, type SuperviseCaseRequest } from '@gridwork/contracts';
import { Endpoint, type RequestContext } from '@gridwork/messaging';
import { SupervisionService } from './supervision.service.js';

@Injectable()
export class SupervisionEndpoints {
  constructor(private readonly supervision: SupervisionService) {}

  @Endpoint(subjects.dispatch.case.supervise)
  supervise(request: SuperviseCaseRequest) {
    return this.supervision.supervise(request);
  }

  @Endpoint(subjects.dispatch.supervision.list)
  list(request: ListSupervisionOrdersRequest, { department }: RequestContext) {
    return this.supervision.list(request, department);
  }
}
