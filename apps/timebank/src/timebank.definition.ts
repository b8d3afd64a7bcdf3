import type { ServiceDefinition } from '@gridwork/runtime';

/** The timebank service: Volunteer time bank and points. Its domain modules join `imports` as they are built. */
export const timebankService: ServiceDefinition = {
  service: 'timebank',
  defaultHttpPort: 3004,
  entities: [],
  migrations: [],
  imports: [],
};
