import { Injectable } from '@nestjs/common';
import { subjects, type ActivityVolunteerRequest, type CheckRequest, type GetActivityRequest, type PostActivityRequest, type VerifyHoursRequest } from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { ActivitiesService } from './activities.service.js';

@Injectable()
export class ActivityEndpoints {
  constructor(private readonly activities: ActivitiesService) {}

  @Endpoint(subjects.timebank.activity.post)
  post(request: PostActivityRequest) {
    return this.activities.post(request);
  }

  @Endpoint(subjects.timebank.activity.get)
  get(request: GetActivityRequest) {
    return this.activities.get(request);
  }

  @Endpoint(subjects.timebank.activity.signUp)
  signUp(request: ActivityVolunteerRequest) {
    return this.activities.signUp(request);
  }

  @Endpoint(subjects.timebank.activity.cancelSignUp)
  cancelSignUp(request: ActivityVolunteerRequest) {
    return this.activities.cancelSignUp(request);
  }

  @Endpoint(subjects.timebank.activity.checkIn)
  checkIn(request: CheckRequest) {
    return this.activities.checkIn(request);
  }

  @Endpoint(subjects.timebank.activity.checkOut)
  checkOut(request: CheckRequest) {
    return this.activities.checkOut(request);
  }

  @Endpoint(subjects.timebank.activity.verifyHours)
  verifyHours(request: VerifyHoursRequest) {
    return this.activities.verifyHours(request);
  }

  @Endpoint(subjects.timebank.activity.noShow)
  noShow(request: ActivityVolunteerRequest) {
    return this.activities.noShow(request);
  }
}
