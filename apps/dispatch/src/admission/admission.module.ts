import { Module } from '@nestjs/common';
import { AdmissionReadModel } from './admission-read-model.js';
import type { Feature } from '@gridwork/runtime';
import { CreateAdmissionReadModel1764000000450 } from './1764000000450-create-admission-read-model.js';

@Module({ providers: [AdmissionReadModel], exports: [AdmissionReadModel] })
export class AdmissionModule {}

export const admissionFeature: Feature = { module: AdmissionModule, migrations: [CreateAdmissionReadModel1764000000450] };
