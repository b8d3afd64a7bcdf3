import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { AuditModule } from '../audit/audit.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { AuthController } from './auth.controller.js';

/** `/auth`: sign-in, refresh, sign-out and who am I. */
@Module({ imports: [SessionsModule, AuditModule], controllers: [AuthController] })
export class AuthModule {}

export const authFeature: Feature = { module: AuthModule };
