import { Module } from '@nestjs/common';
import { AreaReadModelHandlers } from './area-read-model.handlers.js';
import { AreaReadModel } from './area-read-model.service.js';
import type { Feature } from '@gridwork/runtime';
import { CreateAreaReadModel1764000000100 } from './1764000000100-create-area-read-model.js';

@Module({ providers: [AreaReadModel, AreaReadModelHandlers], exports: [AreaReadModel] })
export class AreasModule {}

export const areasFeature: Feature = { module: AreasModule, migrations: [CreateAreaReadModel1764000000100] };
