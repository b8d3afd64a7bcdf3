import { Module } from '@nestjs/common';
import { GridAreasReadModel } from './grid-areas.read-model.js';

/** A service's copy of the grid service's area tree (`known_area`), kept from grid's events; a feature of the service with the service's own migration. */
@Module({ providers: [GridAreasReadModel], exports: [GridAreasReadModel] })
export class GridAreasModule {}
