import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { CreateGridWorkerReadModel1764000000150 } from './1764000000150-create-grid-worker-read-model.js';
import { GridWorkersReadModel } from './grid-workers.read-model.js';

/** Dispatch's copy of the grid service's worker assignments (`known_grid_worker`), kept from grid's events. */
@Module({ providers: [GridWorkersReadModel], exports: [GridWorkersReadModel] })
export class GridWorkersModule {}

export const gridWorkersFeature: Feature = { module: GridWorkersModule, migrations: [CreateGridWorkerReadModel1764000000150] };
