import { Injectable } from '@nestjs/common';
import { subjects, type CheckGateBatchRequest, type GateAsk } from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { GateService } from './gate.service.js';

@Injectable()
export class GateEndpoints {
  constructor(private readonly gate: GateService) {}

  @Endpoint(subjects.admission.gate.check)
  check(request: GateAsk) {
    return this.gate.check(request);
  }

  @Endpoint(subjects.admission.gate.checkBatch)
  checkBatch(request: CheckGateBatchRequest) {
    return this.gate.checkBatch(request);
  }
}
