import type { ServiceDefinition } from '@gridwork/runtime';
import { gridAreasFeature } from './read-models/grid-areas/grid-areas.module.js';
import { organizationsFeature } from './organizations/organizations.module.js';
import { approvalsFeature } from './approvals/approvals.module.js';
import { membersFeature } from './members/members.module.js';
import { mergesFeature } from './merges/merges.module.js';
import { transfersFeature } from './transfers/transfers.module.js';
import { joiningFeature } from './joining/joining.module.js';
import { reportInFeature } from './report-in/report-in.module.js';
import { duesFeature } from './dues/dues.module.js';
import { lifeFeature } from './life/life.module.js';
import { leadersFeature } from './leaders/leaders.module.js';
import { gradingFeature } from './grading/grading.module.js';
import { coverageFeature } from './coverage/coverage.module.js';

/**
 * The org service (docs/domain.md, "Organizations and membership"): the tree
 * of party organizations, members with their personal data encrypted,
 * relationship transfers, joining the party, and the approval record of
 * every workflow. It keeps
 * a read model of the grid service's area tree (read-models/).
 */
export const orgService: ServiceDefinition = {
  service: 'org',
  defaultHttpPort: 3001,
  extensions: ['ltree', 'pg_trgm'],
  features: [gridAreasFeature, organizationsFeature, approvalsFeature, membersFeature, mergesFeature, transfersFeature, joiningFeature, reportInFeature, duesFeature, lifeFeature, leadersFeature, gradingFeature, coverageFeature],
};
