import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { CalendarEndpoints } from './calendar.endpoints.js';
import { CalendarService } from './calendar.service.js';

/** The working calendar (holidays, working days and office hours) that time limits in working hours count in. */
@Module({ providers: [CalendarService, CalendarEndpoints], exports: [CalendarService] })
export class CalendarModule {}

/**
 * No migration of its own: its tables (`calendar_day`, `calendar_setting`)
 * were made by the categories migration (CreateCategoryTables1764000000200),
 * listed with the categories feature, and existing databases have it recorded
 * under that name.
 */
export const calendarFeature: Feature = { module: CalendarModule };
