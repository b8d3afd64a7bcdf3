import { Injectable } from '@nestjs/common';
import { subjects, type ComplianceRequest, type RecordMeetingRequest, type RequirementsRequest, type SetRequirementRequest } from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { LifeService } from './life.service.js';

@Injectable()
export class LifeEndpoints {
  constructor(private readonly life: LifeService) {}

  @Endpoint(subjects.org.life.record)
  record(request: RecordMeetingRequest) {
    return this.life.record(request);
  }

  @Endpoint(subjects.org.life.setRequirement)
  setRequirement(request: SetRequirementRequest) {
    return this.life.setRequirement(request);
  }

  @Endpoint(subjects.org.life.requirements)
  requirements(request: RequirementsRequest) {
    return this.life.requirements(request);
  }

  @Endpoint(subjects.org.life.compliance)
  compliance(request: ComplianceRequest) {
    return this.life.compliance(request);
  }
}
