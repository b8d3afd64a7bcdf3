import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { CreateAreaReadModel1766000000100 } from './1766000000100-create-area-read-model.js';
import { GridAreasReadModel } from './grid-areas.read-model.js';

/** The timebank service's copy of the grid service's area tree (`known_area`), kept from grid's events. */
@Module({ providers: [GridAreasReadModel], exports: [GridAreasReadModel] })
export class GridAreasModule {}

export const gridAreasFeature: Feature = { module: GridAreasModule, migrations: [CreateAreaReadModel1766000000100] };
