import { Injectable } from '@nestjs/common';
import {
  subjects,
  type DecideApplicationRequest,
  type GetApplicationRequest,
  type ListApplicationsRequest,
  type ResubmitApplicationRequest,
  type ReviewApplicationRequest,
  type SubmitApplicationRequest,
} from '@gridwork/contracts';
import { Endpoint, type RequestContext } from '@gridwork/messaging';
import { ApplicationsService } from './applications.service.js';

@Injectable()
export class ApplicationEndpoints {
  constructor(private readonly applications: ApplicationsService) {}

  @Endpoint(subjects.admission.application.submit)
  submit(request: SubmitApplicationRequest, { department }: RequestContext) {
    return this.applications.submit(request, department);
  }

  @Endpoint(subjects.admission.application.startReview)
  startReview(request: ReviewApplicationRequest) {
    return this.applications.startReview(request);
  }

  @Endpoint(subjects.admission.application.return)
  return(request: DecideApplicationRequest) {
    return this.applications.return(request);
  }

  @Endpoint(subjects.admission.application.resubmit)
  resubmit(request: ResubmitApplicationRequest, { department }: RequestContext) {
    return this.applications.resubmit(request, department);
  }

  @Endpoint(subjects.admission.application.approve)
  approve(request: DecideApplicationRequest) {
    return this.applications.approve(request);
  }

  @Endpoint(subjects.admission.application.refuse)
  refuse(request: DecideApplicationRequest) {
    return this.applications.refuse(request);
  }

  @Endpoint(subjects.admission.application.get)
  get(request: GetApplicationRequest, { department }: RequestContext) {
    return this.applications.get(request, department);
  }

  @Endpoint(subjects.admission.application.list)
  list(request: ListApplicationsRequest, { department }: RequestContext) {
    return this.applications.list(request, department);
  }
}
