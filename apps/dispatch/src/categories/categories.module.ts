import { Module } from '@nestjs/common';
import { CalendarService } from '../calendar/calendar.service.js';
import { CategoryEndpoints } from './categories.endpoints.js';
import { CategoriesService } from './categories.service.js';

/** Categories with their time limits, and the working calendar the limits count in. */
@Module({ providers: [CategoriesService, CalendarService, CategoryEndpoints], exports: [CategoriesService, CalendarService] })
export class CategoriesModule {}
