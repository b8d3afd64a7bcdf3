import { Module } from '@nestjs/common';
import { GridWorkerReadModel } from './grid-worker-read-model.js';

@Module({ providers: [GridWorkerReadModel], exports: [GridWorkerReadModel] })
export class WorkersModule {}
