import { Injectable } from '@nestjs/common';
import { subjects, type ApprovalsRequest } from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { ApprovalsService } from './approvals.service.js';

@Injectable()
export class ApprovalEndpoints {
  constructor(private readonly approvals: ApprovalsService) {}

  @Endpoint(subjects.org.approval.list)
  list(request: ApprovalsRequest) {
    return this.approvals.list(request);
  }
}
