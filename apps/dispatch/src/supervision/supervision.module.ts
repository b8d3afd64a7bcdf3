import { Module } from '@nestjs/common';
import { CategoriesModule } from '../categories/categories.module.js';
import { DeadlineTimers } from './deadline-timers.service.js';
import { SupervisionEndpoints } from './supervision.endpoints.js';
import { SupervisionService } from './supervision.service.js';

/**
 * Time-limited completion and unified supervision (限时办结, 统一督办):
 * the deadline timers (reminders, escalation, flags) and supervision orders.
 */
@Module({
  imports: [CategoriesModule],
  providers: [DeadlineTimers, SupervisionService, SupervisionEndpoints],
})
export class SupervisionModule {}
