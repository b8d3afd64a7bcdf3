import { operationsOf, subjects } from '@gridwork/contracts';
import type { ForwardedRoute } from '../forwarding/forwarded-route.js';
import { AREA_ADMIN, OPERATORS, PLATFORM_ADMIN_ONLY, STAFF } from '../forwarding/roles.js';

const o = subjects.org;
const ops = operationsOf('org');

/**
 * The org service over HTTP (`/org/...`). The tree of organizations, their
 * leaders, grading, organization life and the coverage figures are for all
 * staff; members (with their personal data), transfers, joining, dues and
 * report-ins for an area's admins, who act for the party organizations of
 * their area. The org service keeps the person's scope itself: the actor's
 * and viewer's `areas` are the areas of the grants the person acts by, so it
 * refuses a change, and leaves out of a list, what lies outside them; and it
 * shows ID numbers and phones in full only to a viewer allowed to see them
 * (a platform admin), masked to everyone else.
 */
export const ORG_ROUTES: readonly ForwardedRoute[] = [
  // Organizations (党组织)
  { method: 'POST', path: 'organizations', endpoint: o.organization.create, roles: AREA_ADMIN, scope: { field: 'areaCode' } },
  { method: 'GET', path: 'organizations/:id', endpoint: o.organization.get, roles: STAFF },
  { method: 'GET', path: 'organizations/:id/children', endpoint: o.organization.children, roles: STAFF },
  { method: 'GET', path: 'organizations/:id/subtree', endpoint: o.organization.subtree, roles: STAFF },
  { method: 'GET', path: 'organizations/:id/path', endpoint: o.organization.path, roles: STAFF },
  { method: 'POST', path: 'organizations/:id/move', endpoint: o.organization.move, roles: AREA_ADMIN, status: 200 },
  { method: 'POST', path: 'organizations/:id/merge', endpoint: o.organization.merge, roles: AREA_ADMIN, status: 200 },
  { method: 'POST', path: 'organizations/:id/dissolve', endpoint: o.organization.dissolve, roles: AREA_ADMIN, status: 200 },
  // Members (党员) and their personal data
  { method: 'POST', path: 'members', endpoint: o.member.register, roles: AREA_ADMIN },
  { method: 'GET', path: 'members', endpoint: o.member.search, roles: AREA_ADMIN },
  { method: 'GET', path: 'members/:id', endpoint: o.member.get, roles: AREA_ADMIN },
  { method: 'POST', path: 'members/:id/convert', endpoint: o.member.convert, roles: AREA_ADMIN, status: 200 },
  { method: 'POST', path: 'members/:id/leave', endpoint: o.member.leave, roles: AREA_ADMIN, status: 200 },
  { method: 'POST', path: 'members/reencrypt', endpoint: o.member.reencrypt, roles: PLATFORM_ADMIN_ONLY, status: 200 },
  // Relationship transfers (组织关系转接) and the approval record
  { method: 'POST', path: 'transfers', endpoint: o.transfer.request, roles: AREA_ADMIN },
  { method: 'GET', path: 'transfers/:id', endpoint: o.transfer.get, roles: AREA_ADMIN },
  { method: 'POST', path: 'transfers/:id/accept', endpoint: o.transfer.accept, roles: AREA_ADMIN, status: 200 },
  { method: 'POST', path: 'transfers/:id/refuse', endpoint: o.transfer.refuse, roles: AREA_ADMIN, status: 200 },
  { method: 'GET', path: 'members/:memberId/transfers', endpoint: o.transfer.history, roles: AREA_ADMIN },
  { method: 'GET', path: 'approvals', endpoint: o.approval.list, roles: AREA_ADMIN },
  // Joining the party (发展党员)
  { method: 'POST', path: 'applicants', endpoint: o.joining.apply, roles: AREA_ADMIN },
  { method: 'GET', path: 'applicants/:id', endpoint: o.joining.get, roles: AREA_ADMIN },
  { method: 'POST', path: 'applicants/:id/advance', endpoint: o.joining.advance, roles: AREA_ADMIN, status: 200 },
  { method: 'POST', path: 'applicants/:id/training', endpoint: o.joining.train, roles: AREA_ADMIN },
  { method: 'POST', path: 'applicants/reencrypt', endpoint: o.joining.reencrypt, roles: PLATFORM_ADMIN_ONLY, status: 200 },
  { method: 'GET', path: 'organizations/:organizationId/joining-due', endpoint: o.joining.due, roles: AREA_ADMIN },
  // Report in twice (双报到)
  { method: 'POST', path: 'report-ins', endpoint: o.reportIn.register, roles: AREA_ADMIN },
  { method: 'GET', path: 'communities/:communityCode/report-ins', endpoint: o.reportIn.community, roles: AREA_ADMIN, scope: { field: 'communityCode' } },
  { method: 'GET', path: 'organizations/:organizationId/report-ins', endpoint: o.reportIn.branch, roles: AREA_ADMIN },
  // Party dues (党费), in fen
  { method: 'POST', path: 'members/:memberId/dues-basis', endpoint: o.dues.setBasis, roles: AREA_ADMIN, status: 200 },
  { method: 'POST', path: 'dues/roll', endpoint: o.dues.roll, roles: AREA_ADMIN, status: 200 },
  { method: 'POST', path: 'dues/payments', endpoint: o.dues.pay, roles: AREA_ADMIN },
  { method: 'GET', path: 'organizations/:organizationId/dues', endpoint: o.dues.report, roles: AREA_ADMIN },
  // Organization life (三会一课)
  { method: 'POST', path: 'meetings', endpoint: o.life.record, roles: AREA_ADMIN },
  { method: 'GET', path: 'life/requirements', endpoint: o.life.requirements, roles: STAFF },
  { method: 'POST', path: 'life/requirements', endpoint: o.life.setRequirement, roles: PLATFORM_ADMIN_ONLY, status: 200 },
  { method: 'GET', path: 'life/compliance', endpoint: o.life.compliance, roles: STAFF },
  // Leaders, grading and rectification (软弱涣散)
  { method: 'POST', path: 'appointments', endpoint: o.leader.appoint, roles: AREA_ADMIN },
  { method: 'POST', path: 'appointments/:id/end', endpoint: o.leader.end, roles: AREA_ADMIN, status: 200 },
  { method: 'GET', path: 'organizations/:organizationId/leaders', endpoint: o.leader.list, roles: STAFF },
  { method: 'GET', path: 'leaders/report', endpoint: o.leader.report, roles: STAFF },
  { method: 'POST', path: 'gradings', endpoint: o.grading.grade, roles: AREA_ADMIN, status: 200 },
  { method: 'GET', path: 'gradings', endpoint: o.grading.list, roles: STAFF },
  { method: 'POST', path: 'rectifications', endpoint: o.rectification.list, roles: AREA_ADMIN },
  { method: 'POST', path: 'rectifications/:id/lift', endpoint: o.rectification.lift, roles: AREA_ADMIN, status: 200 },
  { method: 'GET', path: 'rectifications', endpoint: o.rectification.year, roles: STAFF },
  // The two coverages (两个覆盖)
  { method: 'POST', path: 'units', endpoint: o.unit.register, roles: AREA_ADMIN, scope: { field: 'areaCode' } },
  { method: 'GET', path: 'coverage', endpoint: o.coverage.report, roles: STAFF },
  // Operators
  { method: 'GET', path: 'dead-letters', endpoint: ops.deadLetter.list, roles: OPERATORS },
  { method: 'POST', path: 'dead-letters/:sequence/replay', endpoint: ops.deadLetter.replay, roles: OPERATORS, status: 200 },
];
