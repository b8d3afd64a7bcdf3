import { Module } from '@nestjs/common';
import { AdmissionReadModel } from './admission-read-model.js';

@Module({ providers: [AdmissionReadModel], exports: [AdmissionReadModel] })
export class AdmissionModule {}
