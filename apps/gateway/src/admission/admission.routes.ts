import { operationsOf, subjects } from '@gridwork/contracts';
import type { ForwardedRoute } from '../forwarding/forwarded-route.js';
import { AREA_ADMIN, OPERATORS, PLATFORM_ADMIN_ONLY, STAFF } from '../forwarding/roles.js';

const a = subjects.admission;
const ops = operationsOf('admission');

/**
 * The admission service over HTTP (`/admission/...`). The catalogue and the
 * lists in force are for all staff; an area's admins keep its lists;
 * departments apply through their own subjects; reviewers decide (the
 * service checks that a reviewer is appointed for the application's area:
 * a reviewer's id is their account's id).
 */
export const ADMISSION_ROUTES: readonly ForwardedRoute[] = [
  // The item catalogue
  { method: 'GET', path: 'items', endpoint: a.item.list, roles: STAFF },
  { method: 'GET', path: 'items/:code', endpoint: a.item.get, roles: STAFF },
  { method: 'POST', path: 'items', endpoint: a.item.define, roles: PLATFORM_ADMIN_ONLY },
  { method: 'POST', path: 'items/:code/withdraw', endpoint: a.item.withdraw, roles: PLATFORM_ADMIN_ONLY, status: 200 },
  // Lists per area and level, and their versions
  { method: 'GET', path: 'lists', endpoint: a.list.get, roles: STAFF },
  { method: 'GET', path: 'lists/versions', endpoint: a.list.versions, roles: STAFF },
  { method: 'GET', path: 'lists/compare', endpoint: a.list.compare, roles: STAFF },
  { method: 'POST', path: 'lists/draft', endpoint: a.list.editDraft, roles: AREA_ADMIN, scope: { field: 'areaCode' }, status: 200 },
  { method: 'POST', path: 'lists/publish', endpoint: a.list.publish, roles: AREA_ADMIN, scope: { field: 'areaCode' }, status: 200 },
  { method: 'POST', path: 'lists/discard-draft', endpoint: a.list.discardDraft, roles: AREA_ADMIN, scope: { field: 'areaCode' }, status: 200 },
  // Applications (准入申请) and their review
  { method: 'POST', path: 'applications', endpoint: a.application.submit, roles: ['department-staff'], asDepartment: true },
  { method: 'POST', path: 'applications/:id/resubmit', endpoint: a.application.resubmit, roles: ['department-staff'], asDepartment: true, status: 200 },
  { method: 'GET', path: 'applications', endpoint: a.application.list, roles: [...STAFF], asDepartment: true },
  { method: 'GET', path: 'applications/:id', endpoint: a.application.get, roles: [...STAFF], asDepartment: true },
  { method: 'POST', path: 'applications/:id/start-review', endpoint: a.application.startReview, roles: ['reviewer'], status: 200 },
  { method: 'POST', path: 'applications/:id/return', endpoint: a.application.return, roles: ['reviewer'], status: 200 },
  { method: 'POST', path: 'applications/:id/approve', endpoint: a.application.approve, roles: ['reviewer'], status: 200 },
  { method: 'POST', path: 'applications/:id/refuse', endpoint: a.application.refuse, roles: ['reviewer'], status: 200 },
  // Reviewers
  { method: 'GET', path: 'reviewers', endpoint: a.reviewer.list, roles: STAFF },
  { method: 'POST', path: 'reviewers', endpoint: a.reviewer.appoint, roles: AREA_ADMIN, scope: { field: 'areaCode' } },
  { method: 'POST', path: 'reviewers/:id/remove', endpoint: a.reviewer.remove, roles: PLATFORM_ADMIN_ONLY, status: 200 },
  // The gate and the figures
  { method: 'GET', path: 'gate', endpoint: a.gate.check, roles: STAFF },
  { method: 'POST', path: 'gate/batch', endpoint: a.gate.checkBatch, roles: STAFF, status: 200 },
  { method: 'GET', path: 'reports/burden', endpoint: a.report.burden, roles: STAFF },
  { method: 'GET', path: 'reports/display', endpoint: a.report.display, roles: STAFF },
  // Operators
  { method: 'GET', path: 'dead-letters', endpoint: ops.deadLetter.list, roles: OPERATORS },
  { method: 'POST', path: 'dead-letters/:sequence/replay', endpoint: ops.deadLetter.replay, roles: OPERATORS, status: 200 },
];
