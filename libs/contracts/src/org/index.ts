import { orgOrganizationSubjects } from './organizations.js';
import { orgMemberSubjects } from './members.js';
import { orgApprovalSubjects, orgTransferSubjects } from './transfers.js';
import { orgJoiningSubjects } from './joining.js';
import { orgReportInSubjects } from './report-in.js';
import { orgDuesSubjects } from './dues.js';
import { orgLifeSubjects } from './life.js';
import { orgGradingSubjects, orgLeaderSubjects, orgRectificationSubjects } from './leadership.js';
import { orgCoverageSubjects, orgUnitSubjects } from './coverage.js';

export * from './common.js';
export * from './organizations.js';
export * from './members.js';
export * from './transfers.js';
export * from './joining.js';
export * from './report-in.js';
export * from './dues.js';
export * from './life.js';
export * from './leadership.js';
export * from './coverage.js';

/** The org service's domain endpoints and events, by aggregate. */
export const orgDomainSubjects = {
  organization: orgOrganizationSubjects,
  member: orgMemberSubjects,
  transfer: orgTransferSubjects,
  approval: orgApprovalSubjects,
  joining: orgJoiningSubjects,
  reportIn: orgReportInSubjects,
  dues: orgDuesSubjects,
  life: orgLifeSubjects,
  leader: orgLeaderSubjects,
  grading: orgGradingSubjects,
  rectification: orgRectificationSubjects,
  unit: orgUnitSubjects,
  coverage: orgCoverageSubjects,
};
