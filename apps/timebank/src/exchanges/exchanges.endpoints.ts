import { Injectable } from '@nestjs/common';
import {
  subjects,
  type CancelServiceRequest,
  type CompleteServiceRequest,
  type GetExchangeRequest,
  type GiveHoursRequest,
  type MoveBetweenBanksRequest,
  type OfferServiceRequest,
  type RequestServiceRequest,
} from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { ExchangesService } from './exchanges.service.js';

@Injectable()
export class ExchangeEndpoints {
  constructor(private readonly exchanges: ExchangesService) {}

  @Endpoint(subjects.timebank.exchange.request)
  request(request: RequestServiceRequest) {
    return this.exchanges.request(request);
  }

  @Endpoint(subjects.timebank.exchange.offer)
  offer(request: OfferServiceRequest) {
    return this.exchanges.offer(request);
  }

  @Endpoint(subjects.timebank.exchange.complete)
  complete(request: CompleteServiceRequest) {
    return this.exchanges.complete(request);
  }

  @Endpoint(subjects.timebank.exchange.cancel)
  cancel(request: CancelServiceRequest) {
    return this.exchanges.cancel(request);
  }

  @Endpoint(subjects.timebank.exchange.get)
  get(request: GetExchangeRequest) {
    return this.exchanges.get(request);
  }

  @Endpoint(subjects.timebank.hours.give)
  give(request: GiveHoursRequest) {
    return this.exchanges.give(request);
  }

  @Endpoint(subjects.timebank.hours.moveBetweenBanks)
  moveBetweenBanks(request: MoveBetweenBanksRequest) {
    return this.exchanges.moveBetweenBanks(request);
  }
}
