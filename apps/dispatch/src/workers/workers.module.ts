import { Module } from '@nestjs/common';
import { GridWorkerReadModel } from './grid-worker-read-model.js';
import type { Feature } from '@gridwork/runtime';
import { CreateGridWorkerReadModel1764000000150 } from './1764000000150-create-grid-worker-read-model.js';

@Module({ providers: [GridWorkerReadModel], exports: [GridWorkerReadModel] })
export class WorkersModule {}

export const workersFeature: Feature = { module: WorkersModule, migrations: [CreateGridWorkerReadModel1764000000150] };
