import type { ServiceDefinition } from '@gridwork/runtime';
import { areasFeature } from './areas/areas.module.js';
import { areaImportFeature } from './area-import/area-import.module.js';
import { gridsFeature } from './grids/grids.module.js';
import { networksFeature } from './networks/networks.module.js';
import { workersFeature } from './workers/workers.module.js';
import { staffingFeature } from './staffing/staffing.module.js';
import { careersFeature } from './careers/careers.module.js';
import { baseInformationFeature } from './base-information/base-information.module.js';
import { patrolsFeature } from './patrols/patrols.module.js';

/**
 * The grid service (docs/domain.md, "Grids and grid workers"): the area tree and base grids with their
 * boundaries, other networks' grids, grid workers and their careers, and the
 * base information workers keep per grid.
 */
export const gridService: ServiceDefinition = {
  service: 'grid',
  defaultHttpPort: 3002,
  extensions: ['postgis', 'btree_gist'],
  features: [areasFeature, gridsFeature, areaImportFeature, networksFeature, workersFeature, staffingFeature, careersFeature, baseInformationFeature, patrolsFeature],
};
