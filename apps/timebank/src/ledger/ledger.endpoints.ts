import { Injectable } from '@nestjs/common';
import {
  subjects,
  type CorrectTransferRequest,
  type CreateTransferRequest,
  type GetAccountRequest,
  type GetTransferRequest,
  type ListLedgerAccountsRequest,
  type ListTransfersRequest,
  type OpenAccountRequest,
  type PostTransferRequest,
  type VoidTransferRequest,
} from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { LedgerService } from './ledger.service.js';

@Injectable()
export class LedgerEndpoints {
  constructor(private readonly ledger: LedgerService) {}

  @Endpoint(subjects.timebank.account.open)
  open(request: OpenAccountRequest) {
    return this.ledger.open(request);
  }

  @Endpoint(subjects.timebank.account.get)
  getAccount(request: GetAccountRequest) {
    return this.ledger.getAccount(request);
  }

  @Endpoint(subjects.timebank.account.list)
  listAccounts(request: ListLedgerAccountsRequest) {
    return this.ledger.listAccounts(request);
  }

  @Endpoint(subjects.timebank.transfer.create)
  create(request: CreateTransferRequest) {
    return this.ledger.transfer(request);
  }

  @Endpoint(subjects.timebank.transfer.post)
  post(request: PostTransferRequest) {
    return this.ledger.post(request);
  }

  @Endpoint(subjects.timebank.transfer.void)
  void(request: VoidTransferRequest) {
    return this.ledger.void(request);
  }

  @Endpoint(subjects.timebank.transfer.correct)
  correct(request: CorrectTransferRequest) {
    return this.ledger.correct(request);
  }

  @Endpoint(subjects.timebank.transfer.get)
  getTransfer(request: GetTransferRequest) {
    return this.ledger.getTransfer(request);
  }

  @Endpoint(subjects.timebank.transfer.list)
  listTransfers(request: ListTransfersRequest) {
    return this.ledger.listTransfers(request);
  }
}
