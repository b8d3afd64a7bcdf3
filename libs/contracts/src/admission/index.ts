import { admissionItemSubjects } from './items.js';

export * from './items.js';

/** The admission service's domain endpoints and events, by aggregate. */
export const admissionDomainSubjects = {
  item: admissionItemSubjects,
};
