import type { ServiceDefinition } from '@gridwork/runtime';
import { gridAreasFeature } from './read-models/grid-areas/grid-areas.module.js';

/**
 * The org service (docs/domain.md, "Organizations and membership"). It keeps
 * a read model of the grid service's area tree (read-models/).
 */
export const orgService: ServiceDefinition = {
  service: 'org',
  defaultHttpPort: 3001,
  features: [gridAreasFeature],
};
