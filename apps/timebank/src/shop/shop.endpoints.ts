import { Injectable } from '@nestjs/common';
import {
  subjects,
  type DefineRewardRequest,
  type GetRedemptionRequest,
  type GetRewardRequest,
  type ListRedemptionsRequest,
  type ListRewardsRequest,
  type RedeemRequest,
  type ResolveRedemptionRequest,
} from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { ShopService } from './shop.service.js';

@Injectable()
export class ShopEndpoints {
  constructor(private readonly shop: ShopService) {}

  @Endpoint(subjects.timebank.reward.define)
  define(request: DefineRewardRequest) {
    return this.shop.define(request);
  }

  @Endpoint(subjects.timebank.reward.get)
  getReward(request: GetRewardRequest) {
    return this.shop.getReward(request);
  }

  @Endpoint(subjects.timebank.reward.list)
  listRewards(request: ListRewardsRequest) {
    return this.shop.listRewards(request);
  }

  @Endpoint(subjects.timebank.redemption.redeem)
  redeem(request: RedeemRequest) {
    return this.shop.redeem(request);
  }

  @Endpoint(subjects.timebank.redemption.pickUp)
  pickUp(request: ResolveRedemptionRequest) {
    return this.shop.pickUp(request);
  }

  @Endpoint(subjects.timebank.redemption.cancel)
  cancel(request: ResolveRedemptionRequest) {
    return this.shop.cancel(request);
  }

  @Endpoint(subjects.timebank.redemption.get)
  getRedemption(request: GetRedemptionRequest) {
    return this.shop.getRedemption(request);
  }

  @Endpoint(subjects.timebank.redemption.list)
  listRedemptions(request: ListRedemptionsRequest) {
    return this.shop.listRedemptions(request);
  }
}
