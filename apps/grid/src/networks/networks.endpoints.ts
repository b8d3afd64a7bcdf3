import { Injectable } from '@nestjs/common';
import { subjects, type GetNetworkGridRequest, type MapNetworkGridRequest, type NetworkGridsOfBaseGridRequest } from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { NetworksService } from './networks.service.js';

@Injectable()
export class NetworkGridEndpoints {
  constructor(private readonly networks: NetworksService) {}

  @Endpoint(subjects.grid.networkGrid.map)
  map(request: MapNetworkGridRequest) {
    return this.networks.map(request);
  }

  @Endpoint(subjects.grid.networkGrid.get)
  get(request: GetNetworkGridRequest) {
    return this.networks.get(request);
  }

  @Endpoint(subjects.grid.networkGrid.ofBaseGrid)
  ofBaseGrid(request: NetworkGridsOfBaseGridRequest) {
    return this.networks.ofBaseGrid(request);
  }
}
