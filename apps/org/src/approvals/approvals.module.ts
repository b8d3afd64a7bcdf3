import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { CreateApprovalTable1767000000250 } from './1767000000250-create-approval-table.js';
import { ApprovalEndpoints } from './approvals.endpoints.js';
import { ApprovalsService } from './approvals.service.js';

/** The approval record every workflow writes its decisions to. */
@Module({ providers: [ApprovalsService, ApprovalEndpoints], exports: [ApprovalsService] })
export class ApprovalsModule {}

export const approvalsFeature: Feature = { module: ApprovalsModule, migrations: [CreateApprovalTable1767000000250] };
