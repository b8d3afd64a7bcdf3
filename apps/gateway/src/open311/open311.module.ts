import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { Open311Controller } from './open311.controller.js';

/** `/open311/v2`: Open311 GeoReport v2 over dispatch, for residents' apps and outside systems. */
@Module({ imports: [ApiKeysModule, AuditModule], controllers: [Open311Controller] })
export class Open311Module {}

export const open311Feature: Feature = { module: Open311Module };
