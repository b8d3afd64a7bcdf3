import type { Feature } from '@gridwork/runtime';
import { GridAreasModule } from '@gridwork/area-read-model';
import { CreateAreaReadModel1765000000100 } from './1765000000100-create-area-read-model.js';

/** The admission service's copy of the grid service's area tree (`known_area`), kept from grid's events by the shared read model, with this service's migration. */
export const gridAreasFeature: Feature = { module: GridAreasModule, migrations: [CreateAreaReadModel1765000000100] };
