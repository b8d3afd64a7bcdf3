import { Injectable } from '@nestjs/common';
import { subjects, type BranchReportInsRequest, type CommunityReportInsRequest, type RegisterReportInRequest } from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { ReportInService } from './report-in.service.js';

@Injectable()
export class ReportInEndpoints {
  constructor(private readonly reportIns: ReportInService) {}

  @Endpoint(subjects.org.reportIn.register)
  register(request: RegisterReportInRequest) {
    return this.reportIns.register(request);
  }

  @Endpoint(subjects.org.reportIn.community)
  community(request: CommunityReportInsRequest) {
    return this.reportIns.community(request);
  }

  @Endpoint(subjects.org.reportIn.branch)
  branch(request: BranchReportInsRequest) {
    return this.reportIns.branch(request);
  }
}
