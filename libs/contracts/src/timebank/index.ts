import { accountSubjects, transferSubjects } from './ledger.js';

export * from './common.js';
export * from './ledger.js';

/** The timebank service's domain endpoints and events, by aggregate. */
export const timebankDomainSubjects = {
  account: accountSubjects,
  transfer: transferSubjects,
};
