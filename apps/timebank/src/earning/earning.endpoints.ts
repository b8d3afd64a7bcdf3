import { Injectable } from '@nestjs/common';
import { subjects, type AwardDeedRequest, type DefineEarningRuleRequest, type ListEarningRulesRequest } from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { EarningService } from './earning.service.js';

@Injectable()
export class EarningEndpoints {
  constructor(private readonly earning: EarningService) {}

  @Endpoint(subjects.timebank.earningRule.define)
  define(request: DefineEarningRuleRequest) {
    return this.earning.define(request);
  }

  @Endpoint(subjects.timebank.earningRule.list)
  list(request: ListEarningRulesRequest) {
    return this.earning.list(request);
  }

  @Endpoint(subjects.timebank.points.awardDeed)
  awardDeed(request: AwardDeedRequest) {
    return this.earning.awardDeed(request);
  }
}
