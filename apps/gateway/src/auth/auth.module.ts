import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { AuditModule } from '../audit/audit.module.js';
import { OidcModule } from '../oidc/oidc.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { AuthController } from './auth.controller.js';

/** `/auth`: sign-in (by password or an OpenID Connect issuer's token), refresh, sign-out and who am I. */
@Module({ imports: [SessionsModule, AuditModule, OidcModule], controllers: [AuthController] })
export class AuthModule {}

export const authFeature: Feature = { module: AuthModule };
