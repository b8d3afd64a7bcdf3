import { Module } from '@nestjs/common';
import { AreaReadModelHandlers } from './area-read-model.handlers.js';
import { AreaReadModel } from './area-read-model.service.js';

@Module({ providers: [AreaReadModel, AreaReadModelHandlers], exports: [AreaReadModel] })
export class AreasModule {}
