import { Injectable } from '@nestjs/common';
import { subjects, type DuesReportRequest, type PayDuesRequest, type RollDuesRequest, type SetDuesBasisRequest } from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { DuesService } from './dues.service.js';

@Injectable()
export class DuesEndpoints {
  constructor(private readonly dues: DuesService) {}

  @Endpoint(subjects.org.dues.setBasis)
  setBasis(request: SetDuesBasisRequest) {
    return this.dues.setBasis(request);
  }

  @Endpoint(subjects.org.dues.roll)
  roll(request: RollDuesRequest) {
    return this.dues.roll(request);
  }

  @Endpoint(subjects.org.dues.pay)
  pay(request: PayDuesRequest) {
    return this.dues.pay(request);
  }

  @Endpoint(subjects.org.dues.report)
  report(request: DuesReportRequest) {
    return this.dues.report(request);
  }
}
