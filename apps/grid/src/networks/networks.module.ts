import { Module } from '@nestjs/common';
import { NetworkGridEndpoints } from './networks.endpoints.js';
import { NetworksService } from './networks.service.js';

@Module({ providers: [NetworksService, NetworkGridEndpoints], exports: [NetworksService] })
export class NetworksModule {}
