import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { ApprovalsModule } from '../approvals/approvals.module.js';
import { MembersModule } from '../members/members.module.js';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { CreateTransferTable1767000000400 } from './1767000000400-create-transfer-table.js';
import { TransferEndpoints } from './transfers.endpoints.js';
import { TransfersService } from './transfers.service.js';

/** Relationship transfers (组织关系转接) between organizations, with their timeout timer. */
@Module({ imports: [OrganizationsModule, MembersModule, ApprovalsModule], providers: [TransfersService, TransferEndpoints] })
export class TransfersModule {}

export const transfersFeature: Feature = { module: TransfersModule, migrations: [CreateTransferTable1767000000400] };
