import { Module } from '@nestjs/common';
import { NetworkGridEndpoints } from './networks.endpoints.js';
import { NetworksService } from './networks.service.js';
import type { Feature } from '@gridwork/runtime';

@Module({ providers: [NetworksService, NetworkGridEndpoints], exports: [NetworksService] })
export class NetworksModule {}

// Its tables (network_grid, network_grid_mapping) are created by the areas feature's first migration.
export const networksFeature: Feature = { module: NetworksModule };
