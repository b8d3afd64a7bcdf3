import { Injectable } from '@nestjs/common';
import { subjects, type BurdenReportRequest, type DisplayRequest } from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { ReportsService } from './reports.service.js';

@Injectable()
export class ReportEndpoints {
  constructor(private readonly reports: ReportsService) {}

  @Endpoint(subjects.admission.report.burden)
  burden(request: BurdenReportRequest) {
    return this.reports.burden(request);
  }

  @Endpoint(subjects.admission.report.display)
  display(request: DisplayRequest) {
    return this.reports.display(request);
  }
}
