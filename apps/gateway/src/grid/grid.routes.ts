import { operationsOf, subjects } from '@gridwork/contracts';
import type { ForwardedRoute } from '../forwarding/forwarded-route.js';
import { AREA_ADMIN, OPERATORS, PLATFORM_ADMIN_ONLY, STAFF } from '../forwarding/roles.js';

const g = subjects.grid;
const ops = operationsOf('grid');
/** Acts on a worker, whose community is the place. */
const worker = (key: string) => ({ via: g.worker.get, key, as: 'id', place: 'communityCode' }) as const;
/** Acts on a base record, whose grid is the place. */
const baseRecord = { via: g.baseRecord.get, key: 'id', as: 'id', place: 'gridCode' } as const;

/**
 * The grid service over HTTP (`/grid/...`). The area tree, grids and their
 * figures are for all staff; workers' records (with phones) and base
 * information (with ID numbers) for those who keep them, inside their area.
 */
export const GRID_ROUTES: readonly ForwardedRoute[] = [
  // The area tree
  { method: 'GET', path: 'areas', endpoint: g.area.children, roles: STAFF },
  { method: 'GET', path: 'areas/:code', endpoint: g.area.get, roles: STAFF },
  { method: 'GET', path: 'areas/:parentCode/children', endpoint: g.area.children, roles: STAFF },
  { method: 'GET', path: 'locate', endpoint: g.area.locate, roles: STAFF },
  { method: 'POST', path: 'areas', endpoint: g.area.create, roles: AREA_ADMIN, scope: { field: 'parentCode' } },
  { method: 'PATCH', path: 'areas/:code', endpoint: g.area.update, roles: AREA_ADMIN, scope: { field: 'code' } },
  { method: 'POST', path: 'areas/import', endpoint: g.area.import, roles: PLATFORM_ADMIN_ONLY },
  // Grids
  { method: 'GET', path: 'grids', endpoint: g.grid.list, roles: STAFF },
  { method: 'GET', path: 'grids/:code', endpoint: g.grid.get, roles: STAFF },
  { method: 'GET', path: 'grids/:code/history', endpoint: g.grid.history, roles: STAFF },
  { method: 'GET', path: 'communities/:communityCode/coverage', endpoint: g.grid.checkCoverage, roles: STAFF },
  { method: 'POST', path: 'grids', endpoint: g.grid.create, roles: AREA_ADMIN, scope: { field: 'communityCode' } },
  { method: 'PATCH', path: 'grids/:code', endpoint: g.grid.update, roles: AREA_ADMIN, scope: { field: 'code' } },
  { method: 'POST', path: 'grids/:code/split', endpoint: g.grid.split, roles: AREA_ADMIN, scope: { field: 'code' } },
  // The merged grid's code is new, so only a platform admin (who holds everywhere) merges.
  { method: 'POST', path: 'grids/merge', endpoint: g.grid.merge, roles: PLATFORM_ADMIN_ONLY },
  // Other networks' grids
  { method: 'GET', path: 'network-grids/:network/:code', endpoint: g.networkGrid.get, roles: STAFF },
  { method: 'GET', path: 'grids/:gridCode/network-grids', endpoint: g.networkGrid.ofBaseGrid, roles: STAFF },
  { method: 'POST', path: 'network-grids', endpoint: g.networkGrid.map, roles: PLATFORM_ADMIN_ONLY },
  // Workers and their assignments
  { method: 'GET', path: 'workers', endpoint: g.worker.list, roles: AREA_ADMIN, scope: { field: 'areaCode' } },
  { method: 'GET', path: 'workers/:id', endpoint: g.worker.get, roles: AREA_ADMIN, scope: { reply: 'communityCode' } },
  { method: 'GET', path: 'workers/:workerId/assignments', endpoint: g.worker.assignments, roles: AREA_ADMIN, scope: worker('workerId') },
  { method: 'GET', path: 'staffing', endpoint: g.worker.staffingReport, roles: STAFF },
  { method: 'POST', path: 'workers', endpoint: g.worker.register, roles: AREA_ADMIN, scope: { field: 'communityCode' } },
  { method: 'PATCH', path: 'workers/:id', endpoint: g.worker.update, roles: AREA_ADMIN, scope: worker('id') },
  { method: 'POST', path: 'workers/:id/leave', endpoint: g.worker.leave, roles: AREA_ADMIN, scope: worker('id') },
  { method: 'POST', path: 'workers/:workerId/assignments', endpoint: g.worker.assign, roles: AREA_ADMIN, scope: { field: 'gridCode' } },
  { method: 'POST', path: 'assignments/:assignmentId/end', endpoint: g.worker.endAssignment, roles: PLATFORM_ADMIN_ONLY },
  // Careers, assessments, training and the reserve pool
  { method: 'GET', path: 'career-ladder', endpoint: g.career.ladder, roles: STAFF },
  { method: 'POST', path: 'career-ladder', endpoint: g.career.setLadder, roles: PLATFORM_ADMIN_ONLY },
  { method: 'GET', path: 'workers/:workerId/career', endpoint: g.career.get, roles: AREA_ADMIN, scope: worker('workerId') },
  { method: 'POST', path: 'workers/:workerId/career/place', endpoint: g.career.place, roles: AREA_ADMIN, scope: worker('workerId') },
  { method: 'POST', path: 'workers/:workerId/career/promote', endpoint: g.career.promote, roles: AREA_ADMIN, scope: worker('workerId') },
  { method: 'GET', path: 'workers/:workerId/assessments', endpoint: g.assessment.list, roles: AREA_ADMIN, scope: worker('workerId') },
  { method: 'POST', path: 'workers/:workerId/assessments', endpoint: g.assessment.record, roles: AREA_ADMIN, scope: worker('workerId') },
  { method: 'GET', path: 'workers/:workerId/trainings', endpoint: g.training.list, roles: AREA_ADMIN, scope: worker('workerId') },
  { method: 'POST', path: 'workers/:workerId/trainings', endpoint: g.training.record, roles: AREA_ADMIN, scope: worker('workerId') },
  { method: 'POST', path: 'workers/:workerId/certificates', endpoint: g.training.recordCertificate, roles: AREA_ADMIN, scope: worker('workerId') },
  { method: 'GET', path: 'reserve-pool', endpoint: g.reservePool.list, roles: PLATFORM_ADMIN_ONLY },
  { method: 'POST', path: 'reserve-pool/nominations', endpoint: g.reservePool.nominate, roles: AREA_ADMIN, scope: worker('workerId') },
  { method: 'POST', path: 'reserve-pool/roll', endpoint: g.reservePool.roll, roles: PLATFORM_ADMIN_ONLY },
  // Base information (基础信息): people, houses, units, kept by the grid's workers and the area's admins
  { method: 'GET', path: 'base-record-types', endpoint: g.baseRecord.types, roles: STAFF },
  { method: 'GET', path: 'base-records', endpoint: g.baseRecord.list, roles: ['area-admin', 'grid-worker'], scope: { field: 'gridCode' } },
  { method: 'GET', path: 'base-records/:id', endpoint: g.baseRecord.get, roles: ['area-admin', 'grid-worker'], scope: { reply: 'gridCode' } },
  { method: 'GET', path: 'grids/:gridCode/base-record-count', endpoint: g.baseRecord.count, roles: STAFF },
  { method: 'POST', path: 'base-records', endpoint: g.baseRecord.register, roles: ['area-admin', 'grid-worker'], scope: { field: 'gridCode' } },
  { method: 'PATCH', path: 'base-records/:id', endpoint: g.baseRecord.update, roles: ['area-admin', 'grid-worker'], scope: baseRecord },
  { method: 'POST', path: 'base-records/:id/archive', endpoint: g.baseRecord.archive, roles: ['area-admin', 'grid-worker'], scope: baseRecord },
  // Patrols (巡查)
  { method: 'GET', path: 'patrols', endpoint: g.patrol.list, roles: STAFF },
  { method: 'GET', path: 'patrols/:id', endpoint: g.patrol.get, roles: STAFF },
  { method: 'GET', path: 'communities/:communityCode/patrol-coverage', endpoint: g.patrol.coverage, roles: STAFF },
  { method: 'POST', path: 'patrols', endpoint: g.patrol.log, roles: ['area-admin', 'grid-worker'], scope: { field: 'gridCode' }, ownWorker: 'workerId' },
  // Operators
  { method: 'GET', path: 'dead-letters', endpoint: ops.deadLetter.list, roles: OPERATORS },
  { method: 'POST', path: 'dead-letters/:sequence/replay', endpoint: ops.deadLetter.replay, roles: OPERATORS, status: 200 },
];
