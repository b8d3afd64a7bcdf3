import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { ApprovalsModule } from '../approvals/approvals.module.js';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { CreateMemberTables1767000000300 } from './1767000000300-create-member-tables.js';
import { NameMemberHashKeys1767000001200 } from './1767000001200-name-member-hash-keys.js';
import { MemberEndpoints } from './members.endpoints.js';
import { MembersService } from './members.service.js';
import { PersonalData } from './personal-data.js';

/** Party members (党员) and their personal data. */
@Module({ imports: [OrganizationsModule, ApprovalsModule], providers: [PersonalData, MembersService, MemberEndpoints], exports: [MembersService, PersonalData] })
export class MembersModule {}

export const membersFeature: Feature = { module: MembersModule, migrations: [CreateMemberTables1767000000300, NameMemberHashKeys1767000001200] };
