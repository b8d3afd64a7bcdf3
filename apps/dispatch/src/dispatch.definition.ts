import type { ServiceDefinition } from '@gridwork/runtime';

/** The dispatch service: Event dispatch hub. Its domain modules join `imports` as they are built. */
export const dispatchService: ServiceDefinition = {
  service: 'dispatch',
  defaultHttpPort: 3003,
  entities: [],
  migrations: [],
  imports: [],
};
