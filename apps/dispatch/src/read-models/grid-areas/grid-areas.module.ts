import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { CreateAreaReadModel1764000000100 } from './1764000000100-create-area-read-model.js';
import { LocateAboveGrids1764000000800 } from './1764000000800-locate-above-grids.js';
import { GridAreasHandlers } from './grid-areas.handlers.js';
import { GridAreasReadModel } from './grid-areas.read-model.js';

/** Dispatch's copy of the grid service's area tree and boundaries (`known_area`), kept from grid's events. */
@Module({ providers: [GridAreasReadModel, GridAreasHandlers], exports: [GridAreasReadModel] })
export class GridAreasModule {}

export const gridAreasFeature: Feature = { module: GridAreasModule, migrations: [CreateAreaReadModel1764000000100, LocateAboveGrids1764000000800] };
