import type { ServiceDefinition } from '@gridwork/runtime';

/** The timebank service: Volunteer time bank and points. Its features join `features` as they are built. */
export const timebankService: ServiceDefinition = {
  service: 'timebank',
  defaultHttpPort: 3004,
  features: [],
};
