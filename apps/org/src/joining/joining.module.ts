import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { ApprovalsModule } from '../approvals/approvals.module.js';
import { MembersModule } from '../members/members.module.js';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { CreateJoiningTables1767000000500 } from './1767000000500-create-joining-tables.js';
import { NameApplicantHashKeys1767000001210 } from './1767000001210-name-applicant-hash-keys.js';
import { JoiningEndpoints } from './joining.endpoints.js';
import { JoiningService } from './joining.service.js';

/** Joining the party (发展党员): applicants through to admission. */
@Module({ imports: [OrganizationsModule, MembersModule, ApprovalsModule], providers: [JoiningService, JoiningEndpoints], exports: [JoiningService] })
export class JoiningModule {}

export const joiningFeature: Feature = { module: JoiningModule, migrations: [CreateJoiningTables1767000000500, NameApplicantHashKeys1767000001210] };
