import { admissionItemSubjects } from './items.js';
import { admissionListSubjects } from './lists.js';
import { admissionApplicationSubjects, admissionReviewerSubjects } from './applications.js';
import { admissionGateSubjects } from './gate.js';
import { admissionReportSubjects } from './reports.js';

export * from './common.js';
export * from './items.js';
export * from './lists.js';
export * from './applications.js';
export * from './gate.js';
export * from './reports.js';

/** The admission service's domain endpoints and events, by aggregate. */
export const admissionDomainSubjects = {
  item: admissionItemSubjects,
  list: admissionListSubjects,
  application: admissionApplicationSubjects,
  reviewer: admissionReviewerSubjects,
  gate: admissionGateSubjects,
  report: admissionReportSubjects,
};
