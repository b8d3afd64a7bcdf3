import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar/calendar.module.js';
import { CategoriesModule } from '../categories/categories.module.js';
import { DeadlineTimers } from './deadline-timers.service.js';
import { SupervisionEndpoints } from './supervision.endpoints.js';
import { SupervisionService } from './supervision.service.js';
import type { Feature } from '@gridwork/runtime';
import { CreateSupervision1764000000500 } from './1764000000500-create-supervision.js';

/**
 * Time-limited completion and unified supervision (限时办结, 统一督办):
 * the deadline timers (reminders, escalation, flags) and supervision orders.
 */
@Module({
  imports: [CategoriesModule, CalendarModule],
  providers: [DeadlineTimers, SupervisionService, SupervisionEndpoints],
})
export class SupervisionModule {}

export const supervisionFeature: Feature = { module: SupervisionModule, migrations: [CreateSupervision1764000000500] };
