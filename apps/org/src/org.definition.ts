import type { ServiceDefinition } from '@gridwork/runtime';

/** The org service: Party organizations and membership. Its features join `features` as they are built. */
export const orgService: ServiceDefinition = {
  service: 'org',
  defaultHttpPort: 3001,
  features: [],
};
