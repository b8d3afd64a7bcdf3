import { areaSubjects } from './areas.js';
import { gridSubjects } from './grids.js';
import { networkGridSubjects } from './networks.js';
import { workerSubjects } from './workers.js';
import { careerAssessmentSubjects, careerSubjects, reservePoolSubjects, trainingSubjects } from './careers.js';
import { baseInformationSubjects } from './base-information.js';
import { patrolSubjects } from './patrols.js';

/*
 * Personal data in events. Grid's events stay in its stream for its whole
 * retention and reach every consumer allowed to read it, so they say who
 * (an id, a name, facts such as gender or birth date that statistics count)
 * and what changed, but nothing that reaches a person or stands for their
 * identity documents: no phone numbers, no resident ID or permit numbers —
 * for base information, none of a type's `sensitiveAttributes` (see
 * `base-record.types`). A consumer that needs them asks the endpoint
 * (`worker.get`, `base-record.get`), which masks them for department
 * systems. Events carry `WorkerView` and `BaseRecordView` for that reason.
 */

export * from './geojson.js';
export * from './areas.js';
export * from './grids.js';
export * from './networks.js';
export * from './workers.js';
export * from './careers.js';
export * from './base-information.js';
export * from './patrols.js';

/**
 * The grid service's domain endpoints and events, by aggregate: each key path
 * is its subject's tokens (`baseRecord.register` is `gov.grid.base-record.register`).
 */
export const gridDomainSubjects = {
  area: areaSubjects,
  grid: gridSubjects,
  networkGrid: networkGridSubjects,
  worker: workerSubjects,
  career: careerSubjects,
  assessment: careerAssessmentSubjects,
  training: trainingSubjects,
  reservePool: reservePoolSubjects,
  baseRecord: baseInformationSubjects,
  patrol: patrolSubjects,
};
