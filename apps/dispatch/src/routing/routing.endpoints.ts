import { Injectable } from '@nestjs/common';
import { subjects, type ListRoutingRulesRequest, type RemoveRoutingRuleRequest, type ResolveRoutingRequest, type SetRoutingRuleRequest } from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { RoutingService } from './routing.service.js';

@Injectable()
export class RoutingEndpoints {
  constructor(private readonly routing: RoutingService) {}

  @Endpoint(subjects.dispatch.routing.setRule)
  setRule(request: SetRoutingRuleRequest) {
    return this.routing.setRule(request);
  }

  @Endpoint(subjects.dispatch.routing.removeRule)
  removeRule(request: RemoveRoutingRuleRequest) {
    return this.routing.removeRule(request);
  }

  @Endpoint(subjects.dispatch.routing.listRules)
  listRules(request: ListRoutingRulesRequest) {
    return this.routing.listRules(request);
  }

  @Endpoint(subjects.dispatch.routing.resolve)
  resolve(request: ResolveRoutingRequest) {
    return this.routing.resolve(request);
  }
}
