import { calendarSubjects, categorySubjects } from './categories.js';
import { caseSubjects } from './cases.js';
import { routingSubjects } from './routing.js';
import { whistleCaseSubjects, whistleSubjects } from './whistles.js';
import { noticeSubjects } from './notices.js';
import { supervisionCaseSubjects, supervisionSubjects } from './supervision.js';
import { assessmentSubjects } from './assessment.js';
import { pushSubjects } from './push-downs.js';

export * from './common.js';
export * from './categories.js';
export * from './routing.js';
export * from './cases.js';
export * from './whistles.js';
export * from './notices.js';
export * from './supervision.js';
export * from './assessment.js';
export * from './push-downs.js';

/**
 * The dispatch service's domain endpoints and events, by aggregate: each key
 * path is its subject's tokens (`case.blowWhistle` is `gov.dispatch.case.blow-whistle`).
 */
export const dispatchDomainSubjects = {
  category: categorySubjects,
  calendar: calendarSubjects,
  routing: routingSubjects,
  case: { ...caseSubjects, ...whistleCaseSubjects, ...supervisionCaseSubjects },
  whistle: whistleSubjects,
  notice: noticeSubjects,
  supervision: supervisionSubjects,
  stats: assessmentSubjects.stats,
  board: assessmentSubjects.board,
  push: pushSubjects,
};
