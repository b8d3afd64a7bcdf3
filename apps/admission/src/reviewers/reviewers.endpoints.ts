import { Injectable } from '@nestjs/common';
import { subjects, type AppointReviewerRequest, type ListReviewersRequest, type RemoveReviewerRequest } from '@gridwork/contracts';
import { DataSource } from 'typeorm';
import { Endpoint } from '@gridwork/messaging';
import { GridAreasReadModel } from '@gridwork/area-read-model';
import { ReviewersService } from './reviewers.service.js';

@Injectable()
export class ReviewerEndpoints {
  constructor(
    private readonly reviewers: ReviewersService,
    private readonly dataSource: DataSource,
    private readonly areas: GridAreasReadModel,
  ) {}

  @Endpoint(subjects.admission.reviewer.appoint)
  async appoint({ withinAreas, ...request }: AppointReviewerRequest) {
    await this.areas.assertWithin(this.dataSource.manager, withinAreas, request.areaCode, "the reviewer's area");
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
