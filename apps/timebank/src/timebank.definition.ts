import type { ServiceDefinition } from '@gridwork/runtime';
import { gridAreasFeature } from './read-models/grid-areas/grid-areas.module.js';
import { ledgerFeature } from './ledger/ledger.module.js';
import { shopFeature } from './shop/shop.module.js';
import { volunteersFeature } from './volunteers/volunteers.module.js';
import { starsFeature } from './stars/stars.module.js';
import { earningFeature } from './earning/earning.module.js';
import { activitiesFeature } from './activities/activities.module.js';
import { exchangesFeature } from './exchanges/exchanges.module.js';
import { reportsFeature } from './reports/reports.module.js';

/**
 * The timebank service (docs/domain.md §4, 志愿服务时间银行与积分): the
 * ledger of volunteers' hours and points, the points shop, volunteers with
 * their teams and brands, stars, earning rules (with the courier whistle
 * reports dispatch closes), service activities, and spending hours
 * (services between volunteers, gifts, moves between banks), reports,
 * leaderboards and evaluations. It keeps a read model of the grid
 * service's area tree (read-models/). Its other features join `features` as
 * they are built.
 */
export const timebankService: ServiceDefinition = {
  service: 'timebank',
  defaultHttpPort: 3004,
  features: [gridAreasFeature, ledgerFeature, shopFeature, volunteersFeature, starsFeature, earningFeature, activitiesFeature, exchangesFeature, reportsFeature],
};
