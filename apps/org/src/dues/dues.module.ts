import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { MembersModule } from '../members/members.module.js';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { CreateDuesTables1767000000700 } from './1767000000700-create-dues-tables.js';
import { DuesEndpoints } from './dues.endpoints.js';
import { DuesService } from './dues.service.js';

/** Party dues (党费) in integer fen. */
@Module({ imports: [OrganizationsModule, MembersModule], providers: [DuesService, DuesEndpoints] })
export class DuesModule {}

export const duesFeature: Feature = { module: DuesModule, migrations: [CreateDuesTables1767000000700] };
