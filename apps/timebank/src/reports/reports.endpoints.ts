import { Injectable } from '@nestjs/common';
import { subjects, type EvaluateServiceRequest, type LeaderboardRequest, type TimebankReportRequest } from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { ReportsService } from './reports.service.js';

@Injectable()
export class ReportEndpoints {
  constructor(private readonly reports: ReportsService) {}

  @Endpoint(subjects.timebank.evaluation.submit)
  evaluate(request: EvaluateServiceRequest) {
    return this.reports.evaluate(request);
  }

  @Endpoint(subjects.timebank.report.hours)
  hours(request: TimebankReportRequest) {
    return this.reports.hours(request);
  }

  @Endpoint(subjects.timebank.report.leaderboard)
  leaderboard(request: LeaderboardRequest) {
    return this.reports.leaderboard(request);
  }
}
