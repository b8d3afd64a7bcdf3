import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { MembersModule } from '../members/members.module.js';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { CreateAppointmentTable1767000000900 } from './1767000000900-create-appointment-table.js';
import { LeaderEndpoints } from './leaders.endpoints.js';
import { LeadersService } from './leaders.service.js';

/** Secretaries and committee members with their terms. */
@Module({ imports: [OrganizationsModule, MembersModule], providers: [LeadersService, LeaderEndpoints] })
export class LeadersModule {}

export const leadersFeature: Feature = { module: LeadersModule, migrations: [CreateAppointmentTable1767000000900] };
