import type { ServiceDefinition } from '@gridwork/runtime';

/** The grid service: Grids and grid workers. Its domain modules join `imports` as they are built. */
export const gridService: ServiceDefinition = {
  service: 'grid',
  defaultHttpPort: 3002,
  entities: [],
  migrations: [],
  imports: [],
};
