import { accountSubjects, transferSubjects } from './ledger.js';
import { redemptionSubjects, rewardSubjects } from './shop.js';

export * from './common.js';
export * from './ledger.js';
export * from './shop.js';

/** The timebank service's domain endpoints and events, by aggregate. */
export const timebankDomainSubjects = {
  account: accountSubjects,
  transfer: transferSubjects,
  reward: rewardSubjects,
  redemption: redemptionSubjects,
};
