import { Module } from '@nestjs/common';
import { NetworkGridEndpoints } from './networks.endpoints.js';
import { NetworksService } from './networks.service.js';
import type { Feature } from '@gridwork/runtime';

@Module({ providers: [NetworksService, NetworkGridEndpoints], exports: [NetworksService] })
export class NetworksModule {}

export const networksFeature: Feature = { module: NetworksModule };
