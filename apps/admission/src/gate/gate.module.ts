import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { GateEndpoints } from './gate.endpoints.js';
import { GateService } from './gate.service.js';

/** The gate: is an item admitted at a level in an area on a day. Reads the lists; owns no table. */
@Module({ providers: [GateService, GateEndpoints], exports: [GateService] })
export class GateModule {}

export const gateFeature: Feature = { module: GateModule, migrations: [] };
