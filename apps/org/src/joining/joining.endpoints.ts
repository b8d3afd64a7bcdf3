import { Injectable } from '@nestjs/common';
import { subjects, type AdvanceRequest, type ApplicantRequest, type ApplyRequest, type DueRequest, type ReencryptRequest, type TrainingRequest } from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { JoiningService } from './joining.service.js';

@Injectable()
export class JoiningEndpoints {
  constructor(private readonly joining: JoiningService) {}

  @Endpoint(subjects.org.joining.apply)
  apply(request: ApplyRequest) {
    return this.joining.apply(request);
  }

  @Endpoint(subjects.org.joining.advance)
  advance(request: AdvanceRequest) {
    return this.joining.advance(request);
  }

  @Endpoint(subjects.org.joining.train)
  train(request: TrainingRequest) {
    return this.joining.train(request);
  }

  @Endpoint(subjects.org.joining.get)
  get(request: ApplicantRequest) {
    return this.joining.get(request);
  }

  @Endpoint(subjects.org.joining.reencrypt)
  reencrypt(request: ReencryptRequest) {
    return this.joining.reencrypt(request);
  }

  @Endpoint(subjects.org.joining.due)
  due(request: DueRequest) {
    return this.joining.due(request);
  }
}
