import { Injectable } from '@nestjs/common';
import { subjects, type GradeRequest, type GradingsRequest, type LiftRectificationRequest, type ListForRectificationRequest, type RectificationsRequest } from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { GradingService } from './grading.service.js';

@Injectable()
export class GradingEndpoints {
  constructor(private readonly grading: GradingService) {}

  @Endpoint(subjects.org.grading.grade)
  grade(request: GradeRequest) {
    return this.grading.grade(request);
  }

  @Endpoint(subjects.org.grading.list)
  list(request: GradingsRequest) {
    return this.grading.list(request);
  }

  @Endpoint(subjects.org.rectification.list)
  listForRectification(request: ListForRectificationRequest) {
    return this.grading.listForRectification(request);
  }

  @Endpoint(subjects.org.rectification.lift)
  lift(request: LiftRectificationRequest) {
    return this.grading.lift(request);
  }

  @Endpoint(subjects.org.rectification.year)
  year(request: RectificationsRequest) {
    return this.grading.year(request);
  }
}
