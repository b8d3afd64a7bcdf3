import type { ServiceDefinition } from '@gridwork/runtime';

/** The gateway service: HTTP edge for people and tools that do not speak NATS. Its features join `features` as they are built. */
export const gatewayService: ServiceDefinition = {
  service: 'gateway',
  defaultHttpPort: 3000,
  features: [],
};
