import { Injectable } from '@nestjs/common';
import { subjects, type AppointRequest, type EndAppointmentRequest, type LeadersReportRequest, type LeadersRequest } from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { LeadersService } from './leaders.service.js';

@Injectable()
export class LeaderEndpoints {
  constructor(private readonly leaders: LeadersService) {}

  @Endpoint(subjects.org.leader.appoint)
  appoint(request: AppointRequest) {
    return this.leaders.appoint(request);
  }

  @Endpoint(subjects.org.leader.end)
  end(request: EndAppointmentRequest) {
    return this.leaders.end(request);
  }

  @Endpoint(subjects.org.leader.list)
  list(request: LeadersRequest) {
    return this.leaders.list(request);
  }

  @Endpoint(subjects.org.leader.report)
  report(request: LeadersReportRequest) {
    return this.leaders.report(request);
  }
}
