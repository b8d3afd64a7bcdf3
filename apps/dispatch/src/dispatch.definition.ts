import type { ServiceDefinition } from '@gridwork/runtime';
import { gridAreasFeature } from './read-models/grid-areas/grid-areas.module.js';
import { gridWorkersFeature } from './read-models/grid-workers/grid-workers.module.js';
import { admissionListsFeature } from './read-models/admission-lists/admission-lists.module.js';
import { categoriesFeature } from './categories/categories.module.js';
import { calendarFeature } from './calendar/calendar.module.js';
import { routingFeature } from './routing/routing.module.js';
import { casesFeature } from './cases/cases.module.js';
import { supervisionFeature } from './supervision/supervision.module.js';
import { whistlesFeature } from './whistles/whistles.module.js';
import { noticesFeature } from './notices/notices.module.js';
import { assessmentFeature } from './assessment/assessment.module.js';

/**
 * The dispatch service (docs/domain.md, "The event dispatch hub"): unified
 * intake, routing by responsibility, deadlines, supervision and escalation,
 * whistles and report-ins, satisfaction callbacks, assessment and the live
 * board, and notifications to departments. It keeps read models of the grid
 * service's areas and worker assignments and of the admission service's lists
 * (read-models/): copies it reads, fed by those services' events.
 */
export const dispatchService: ServiceDefinition = {
  service: 'dispatch',
  defaultHttpPort: 3003,
  extensions: ['postgis'],
  features: [
    // Read models of other services' data (read-models/).
    gridAreasFeature,
    gridWorkersFeature,
    admissionListsFeature,
    // Dispatch's own.
    categoriesFeature,
    calendarFeature,
    routingFeature,
    casesFeature,
    supervisionFeature,
    whistlesFeature,
    noticesFeature,
    assessmentFeature,
  ],
};
