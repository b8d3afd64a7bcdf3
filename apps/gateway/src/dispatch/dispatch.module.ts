import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { AuditModule } from '../audit/audit.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { CasesController } from './cases.controller.js';

/** `/dispatch`: cases over HTTP. */
@Module({ imports: [SessionsModule, AuditModule], controllers: [CasesController] })
export class DispatchHttpModule {}

export const dispatchFeature: Feature = { module: DispatchHttpModule };
