import type { ServiceDefinition } from '@gridwork/runtime';

/** The admission service: Item-admission lists. Its domain modules join `imports` as they are built. */
export const admissionService: ServiceDefinition = {
  service: 'admission',
  defaultHttpPort: 3005,
  entities: [],
  migrations: [],
  imports: [],
};
