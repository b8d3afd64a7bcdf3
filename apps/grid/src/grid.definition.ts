import type { ServiceDefinition } from '@gridwork/runtime';
import { CreateAreaTables1763900000100 } from './areas/1763900000100-create-area-tables.js';
import { StoreAreaBoundingBoxes1763900000110 } from './areas/1763900000110-store-area-bounding-boxes.js';
import { AreasModule } from './areas/areas.module.js';
import { GridsModule } from './grids/grids.module.js';
import { NetworksModule } from './networks/networks.module.js';
import { CreateWorkerTables1763900000200 } from './workers/1763900000200-create-worker-tables.js';
import { WorkersModule } from './workers/workers.module.js';
import { CreateCareerTables1763900000250 } from './careers/1763900000250-create-career-tables.js';
import { CareersModule } from './careers/careers.module.js';
import { CreateBaseInformationTables1763900000300 } from './base-information/1763900000300-create-base-information-tables.js';
import { BaseInformationModule } from './base-information/base-information.module.js';
import { CreatePatrolTables1763900000350 } from './patrols/1763900000350-create-patrol-tables.js';
import { PatrolsModule } from './patrols/patrols.module.js';

/**
 * The grid service (domain.md §2): the area tree and base grids with their
 * boundaries, other networks' grids, grid workers and their careers, and the
 * base information workers keep per grid.
 */
export const gridService: ServiceDefinition = {
  service: 'grid',
  defaultHttpPort: 3002,
  extensions: ['postgis', 'btree_gist'],
  migrations: [CreateAreaTables1763900000100, StoreAreaBoundingBoxes1763900000110, CreateWorkerTables1763900000200, CreateCareerTables1763900000250, CreateBaseInformationTables1763900000300, CreatePatrolTables1763900000350],
  imports: [AreasModule, GridsModule, NetworksModule, WorkersModule, CareersModule, BaseInformationModule, PatrolsModule],
};
