import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar/calendar.module.js';
import { WhistleDeadlines } from './whistle-deadlines.js';
import { WhistleEndpoints } from './whistles.endpoints.js';
import { WhistlesService } from './whistles.service.js';
import type { Feature } from '@gridwork/runtime';
import { CreateWhistles1764000000600 } from './1764000000600-create-whistles.js';

/** Whistle and report-in (吹哨报到): calls to departments, their report-ins, and the poller that marks misses. */
@Module({
  imports: [CalendarModule],
  providers: [WhistlesService, WhistleEndpoints, WhistleDeadlines],
})
export class WhistlesModule {}

export const whistlesFeature: Feature = { module: WhistlesModule, migrations: [CreateWhistles1764000000600] };
