import { Injectable } from '@nestjs/common';
import { subjects, type DecideTransferRequest, type RefuseTransferRequest, type RequestTransferRequest, type TransferHistoryRequest, type TransferRequest } from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { TransfersService } from './transfers.service.js';

@Injectable()
export class TransferEndpoints {
  constructor(private readonly transfers: TransfersService) {}

  @Endpoint(subjects.org.transfer.request)
  request(request: RequestTransferRequest) {
    return this.transfers.request(request);
  }

  @Endpoint(subjects.org.transfer.accept)
  accept(request: DecideTransferRequest) {
    return this.transfers.accept(request);
  }

  @Endpoint(subjects.org.transfer.refuse)
  refuse(request: RefuseTransferRequest) {
    return this.transfers.refuse(request);
  }

  @Endpoint(subjects.org.transfer.get)
  get(request: TransferRequest) {
    return this.transfers.get(request);
  }

  @Endpoint(subjects.org.transfer.history)
  history(request: TransferHistoryRequest) {
    return this.transfers.history(request);
  }
}
