import { areaSubjects } from './areas.js';
import { gridSubjects } from './grids.js';
import { networkGridSubjects } from './networks.js';
import { workerSubjects } from './workers.js';
import { careerAssessmentSubjects, careerSubjects, reservePoolSubjects, trainingSubjects } from './careers.js';
import { baseInformationSubjects } from './base-information.js';
import { patrolSubjects } from './patrols.js';

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
