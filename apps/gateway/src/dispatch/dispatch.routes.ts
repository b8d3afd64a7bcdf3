import { operationsOf, subjects } from '@gridwork/contracts';
import type { ForwardedRoute } from '../forwarding/forwarded-route.js';
import { AREA_ADMIN, OPERATORS, PLATFORM_ADMIN_ONLY, STAFF } from '../forwarding/roles.js';

const d = subjects.dispatch;
const ops = operationsOf('dispatch');
/** Those who run the dispatcher's desk of an area. */
const DESK = ['dispatcher', 'area-admin'] as const;
/** A case's place: its area path, read first. */
const ofCase = { via: d.case.get, key: 'caseId', as: 'idOrNumber', place: 'areaPath' } as const;

/**
 * Dispatch's operations besides the cases' own routes (`/dispatch/cases`,
 * hand-written in cases.controller.ts): categories and their time limits,
 * the working calendar, routing rules, whistles and supervision orders, the
 * assessment figures and the live board.
 */
export const DISPATCH_ROUTES: readonly ForwardedRoute[] = [
  // Categories (the case category tree, with who is responsible and the time limits)
  { method: 'GET', path: 'categories', endpoint: d.category.list, roles: STAFF },
  { method: 'GET', path: 'categories/:code', endpoint: d.category.get, roles: STAFF },
  { method: 'POST', path: 'categories', endpoint: d.category.define, roles: PLATFORM_ADMIN_ONLY, status: 200 },
  // The working calendar time limits count in
  { method: 'GET', path: 'calendar', endpoint: d.calendar.get, roles: STAFF },
  { method: 'GET', path: 'calendar/deadline', endpoint: d.calendar.previewDeadline, roles: STAFF },
  { method: 'POST', path: 'calendar', endpoint: d.calendar.set, roles: PLATFORM_ADMIN_ONLY, status: 200 },
  // Routing rules, category × area
  { method: 'GET', path: 'routing-rules', endpoint: d.routing.listRules, roles: DESK },
  { method: 'GET', path: 'routing/resolve', endpoint: d.routing.resolve, roles: STAFF },
  // A city-wide rule names no area, so only a platform admin (who holds everywhere) sets it.
  { method: 'POST', path: 'routing-rules', endpoint: d.routing.setRule, roles: AREA_ADMIN, scope: { field: 'areaCode' }, status: 200 },
  { method: 'POST', path: 'routing-rules/:id/remove', endpoint: d.routing.removeRule, roles: PLATFORM_ADMIN_ONLY, status: 200 },
  // Every case's timeline lines in a time window (what a mirroring system polls; Open311's update feed is built on it)
  { method: 'GET', path: 'timeline', endpoint: d.case.timeline, roles: [...DESK, 'operator'] },
  // Whistles and supervision orders
  { method: 'GET', path: 'cases/:caseId/whistles', endpoint: d.whistle.list, roles: [...DESK, 'department-staff'], scope: ofCase, asDepartment: true },
  { method: 'GET', path: 'supervision-orders', endpoint: d.supervision.list, roles: [...DESK, 'department-staff'], scope: { field: 'areaCode' }, asDepartment: true },
  // Assessment and the live board
  { method: 'GET', path: 'stats/assessment', endpoint: d.stats.assessment, roles: STAFF },
  { method: 'GET', path: 'stats/ranking', endpoint: d.stats.ranking, roles: STAFF },
  { method: 'GET', path: 'board', endpoint: d.board.live, roles: [...DESK, 'operator'], scope: { field: 'areaCode' } },
  // Operators
  { method: 'GET', path: 'dead-letters', endpoint: ops.deadLetter.list, roles: OPERATORS },
  { method: 'POST', path: 'dead-letters/:sequence/replay', endpoint: ops.deadLetter.replay, roles: OPERATORS, status: 200 },
];
