import { Injectable } from '@nestjs/common';
import { subjects, type StaffingReport, type StaffingReportRequest } from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { StaffingService } from './staffing.service.js';

@Injectable()
export class StaffingEndpoints {
  constructor(private readonly staffing: StaffingService) {}

  @Endpoint(subjects.grid.worker.staffingReport)
  staffingReport(request: StaffingReportRequest): Promise<StaffingReport> {
    return this.staffing.report(request);
  }
}
