import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { AccountsModule } from '../accounts/accounts.module.js';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { OidcModule } from '../oidc/oidc.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { AdminController } from './admin.controller.js';

/** `/admin`: accounts, outside apps' keys and the audit record. */
@Module({ imports: [AccountsModule, SessionsModule, AuditModule, ApiKeysModule, OidcModule], controllers: [AdminController] })
export class AdminModule {}

export const adminFeature: Feature = { module: AdminModule };
