import { Injectable } from '@nestjs/common';
import { subjects, type GetVolunteerStarRequest, type SetStarLevelsRequest } from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { StarsService } from './stars.service.js';

@Injectable()
export class StarEndpoints {
  constructor(private readonly stars: StarsService) {}

  @Endpoint(subjects.timebank.star.setLevels)
  setLevels(request: SetStarLevelsRequest) {
    return this.stars.setLevels(request);
  }

  @Endpoint(subjects.timebank.star.levels)
  levels() {
    return this.stars.levels();
  }

  @Endpoint(subjects.timebank.star.get)
  get(request: GetVolunteerStarRequest) {
    return this.stars.get(request);
  }
}
