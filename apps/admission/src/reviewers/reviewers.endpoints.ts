import { Injectable } from '@nestjs/common';
import { subjects, type AppointReviewerRequest, type ListReviewersRequest, type RemoveReviewerRequest } from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { ReviewersService } from './reviewers.service.js';

@Injectable()
export class ReviewerEndpoints {
  constructor(private readonly reviewers: ReviewersService) {}

  @Endpoint(subjects.admission.reviewer.appoint)
  appoint(request: AppointReviewerRequest) {
    return this.reviewers.appoint(request);
  }

  @Endpoint(subjects.admission.reviewer.list)
  list(request: ListReviewersRequest) {
    return this.reviewers.list(request);
  }

  @Endpoint(subjects.admission.reviewer.remove)
  remove(request: RemoveReviewerRequest) {
    return this.reviewers.remove(request);
  }
}
