import { Injectable } from '@nestjs/common';
import {
  subjects,
  type DeadlinePreviewRequest,
  type DefineCategoryRequest,
  type GetCalendarRequest,
  type GetCategoryRequest,
  type ListCategoriesRequest,
  type SetCalendarRequest,
} from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { CalendarService } from '../calendar/calendar.service.js';
import { CategoriesService } from './categories.service.js';

@Injectable()
export class CategoryEndpoints {
  constructor(
    private readonly categories: CategoriesService,
    private readonly calendar: CalendarService,
  ) {}

  @Endpoint(subjects.dispatch.category.define)
  define(request: DefineCategoryRequest) {
    return this.categories.define(request);
  }

  @Endpoint(subjects.dispatch.category.get)
  get(request: GetCategoryRequest) {
    return this.categories.get(request);
  }

  @Endpoint(subjects.dispatch.category.list)
  list(request: ListCategoriesRequest) {
    return this.categories.list(request);
  }

  @Endpoint(subjects.dispatch.calendar.set)
  setCalendar(request: SetCalendarRequest) {
    return this.calendar.set(request);
  }

  @Endpoint(subjects.dispatch.calendar.get)
  getCalendar(request: GetCalendarRequest) {
    return this.calendar.get(request);
  }

  @Endpoint(subjects.dispatch.calendar.previewDeadline)
  previewDeadline(request: DeadlinePreviewRequest) {
    return this.calendar.preview(request);
  }
}
