import type { ServiceDefinition } from '@gridwork/runtime';

/** The admission service: Item-admission lists. Its features join `features` as they are built. */
export const admissionService: ServiceDefinition = {
  service: 'admission',
  defaultHttpPort: 3005,
  features: [],
};
