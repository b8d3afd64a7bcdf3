import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { CreateAdmissionReadModel1764000000450 } from './1764000000450-create-admission-read-model.js';
import { CopyAdmissionLists1764000000460 } from './1764000000460-copy-admission-lists.js';
import { AdmissionListsReadModel } from './admission-lists.read-model.js';

/** Dispatch's copy of the admission service's catalogue and lists, kept from admission's events. */
@Module({ providers: [AdmissionListsReadModel], exports: [AdmissionListsReadModel] })
export class AdmissionListsModule {}

export const admissionListsFeature: Feature = {
  module: AdmissionListsModule,
  migrations: [CreateAdmissionReadModel1764000000450, CopyAdmissionLists1764000000460],
};
