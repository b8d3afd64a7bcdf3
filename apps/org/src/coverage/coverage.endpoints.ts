import { Injectable } from '@nestjs/common';
import { subjects, type TwoCoveragesRequest, type RegisterUnitRequest } from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { CoverageService } from './coverage.service.js';

@Injectable()
export class CoverageEndpoints {
  constructor(private readonly coverage: CoverageService) {}

  @Endpoint(subjects.org.unit.register)
  register(request: RegisterUnitRequest) {
    return this.coverage.register(request);
  }

  @Endpoint(subjects.org.coverage.report)
  report(request: TwoCoveragesRequest) {
    return this.coverage.report(request);
  }
}
