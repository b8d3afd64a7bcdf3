import { Injectable } from '@nestjs/common';
import { subjects, type DeadlinePreviewRequest, type GetCalendarRequest, type SetCalendarRequest } from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { CalendarService } from './calendar.service.js';

@Injectable()
export class CalendarEndpoints {
  constructor(private readonly calendar: CalendarService) {}

  @Endpoint(subjects.dispatch.calendar.set)
  set(request: SetCalendarRequest) {
    return this.calendar.set(request);
  }

  @Endpoint(subjects.dispatch.calendar.get)
  get(request: GetCalendarRequest) {
    return this.calendar.get(request);
  }

  @Endpoint(subjects.dispatch.calendar.previewDeadline)
  previewDeadline(request: DeadlinePreviewRequest) {
    return this.calendar.preview(request);
  }
}
