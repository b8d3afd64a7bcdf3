import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { CreateAuditRecord1765100000300 } from './1765100000300-create-audit-record.js';
import { AuditService } from './audit.service.js';
import { Audited } from './audited.interceptor.js';

/** The record of every write (`audit_record`). A module whose controllers are `Audited` imports this one. */
@Module({ providers: [AuditService, Audited], exports: [AuditService, Audited] })
export class AuditModule {}

export const auditFeature: Feature = { module: AuditModule, migrations: [CreateAuditRecord1765100000300] };
