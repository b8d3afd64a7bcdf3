import { activitySubjects } from './activities.js';
import { timebankHoursSubjects } from './hours.js';
import { accountSubjects, transferSubjects } from './ledger.js';
import { redemptionSubjects, rewardSubjects } from './shop.js';
import { brandSubjects, teamSubjects, volunteerSubjects } from './volunteers.js';
import { earningRuleSubjects, pointsSubjects } from './points.js';
import { starSubjects } from './stars.js';
import { exchangeSubjects, hoursMoveSubjects } from './exchanges.js';
import { evaluationSubjects, reportSubjects } from './reports.js';

export * from './common.js';
export * from './ledger.js';
export * from './shop.js';
export * from './volunteers.js';
export * from './activities.js';
export * from './hours.js';
export * from './points.js';
export * from './stars.js';
export * from './exchanges.js';
export * from './reports.js';

/** The timebank service's domain endpoints and events, by aggregate. */
export const timebankDomainSubjects = {
  account: accountSubjects,
  transfer: transferSubjects,
  reward: rewardSubjects,
  redemption: redemptionSubjects,
  volunteer: volunteerSubjects,
  brand: brandSubjects,
  team: teamSubjects,
  activity: activitySubjects,
  hours: { ...timebankHoursSubjects, ...hoursMoveSubjects },
  exchange: exchangeSubjects,
  evaluation: evaluationSubjects,
  report: reportSubjects,
  earningRule: earningRuleSubjects,
  points: pointsSubjects,
  star: starSubjects,
};
