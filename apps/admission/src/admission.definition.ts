import type { ServiceDefinition } from '@gridwork/runtime';
import { gridAreasFeature } from './read-models/grid-areas/grid-areas.module.js';
import { itemsFeature } from './items/items.module.js';
import { listsFeature } from './lists/lists.module.js';
import { gateFeature } from './gate/gate.module.js';
import { reviewersFeature } from './reviewers/reviewers.module.js';
import { applicationsFeature } from './applications/applications.module.js';
import { reportsFeature } from './reports/reports.module.js';

/**
 * The admission service (docs/domain.md, "Item admission"): the item
 * catalogue, the versioned admitted and negative lists per area and level,
 * departments' applications and their review, the gate, and the
 * burden-reduction report. It keeps a read model of the grid service's area
 * tree (read-models/) and counts dispatch's refused pushes.
 */
export const admissionService: ServiceDefinition = {
  service: 'admission',
  defaultHttpPort: 3005,
  features: [gridAreasFeature, itemsFeature, listsFeature, gateFeature, reviewersFeature, applicationsFeature, reportsFeature],
};
