import { ErrorCode, GridworkError, type Actor, type Case } from '@gridwork/contracts';
import { forbidden } from '../http/errors.js';
import type { Grant, Principal, Role } from '../auth/grants.js';

/*
 * Who may do what to cases, checked by the gateway before it forwards; the
 * dispatch service checks again what it can (a department's own cases, a
 * grid worker's own grid).
 *
 * - Platform admins, and dispatchers and area admins inside their area's
 *   subtree, act as operators (the dispatcher's desk): every command.
 * - Department staff act as their department's system would: through the
 *   department's own subjects, so dispatch limits them to its cases.
 * - Grid workers act as themselves on the cases of their grid.
 */

export const DESK_ROLES: readonly Role[] = ['platform-admin', 'dispatcher', 'area-admin'];

/** What each role may do to an existing case, by the action's name in the URL. */
export const ACTIONS_OF: Record<'desk' | 'department-staff' | 'grid-worker', readonly string[]> = {
  desk: ['accept', 'assign', 'claim', 'resolve', 'hand-back', 'reject', 'merge', 'callback', 'close', 'blow-whistle', 'supervise'],
  'department-staff': ['claim', 'resolve', 'hand-back', 'report-in'],
  'grid-worker': ['claim', 'resolve', 'hand-back', 'blow-whistle'],
};

/** How a forwarded request acts: as the platform with an actor, or as a department. */
export type Acting = { as: 'operator' | 'worker'; actor: Actor; grant: Grant } | { as: 'department'; department: string; grant: Grant };

/** Whether a desk grant covers a case (a platform admin's covers all). */
const deskCovers = (grant: Grant, areaPath: readonly string[]): boolean => grant.role === 'platform-admin' || (grant.areaCode !== undefined && areaPath.includes(grant.areaCode));

/** The areas an actor acts within, told to dispatch so that it refuses a change outside them too: the grant's, unless it holds everywhere. */
const areasOf = (grant: Grant): { areas?: string[] } => (grant.role !== 'platform-admin' && grant.areaCode ? { areas: [grant.areaCode] } : {});

const operatorOf = (principal: Principal, grant: Grant): Acting => ({
  as: 'operator',
  actor: { kind: 'operator', id: principal.accountId, name: principal.displayName, ...areasOf(grant) },
  grant,
});
const workerOf = (principal: Principal, grant: Grant): Acting => ({
  as: 'worker',
  actor: { kind: 'worker', id: grant.workerId!, name: principal.displayName, ...areasOf(grant) },
  grant,
});

/**
 * The areas a principal reads within, when every grant it has holds inside
 * an area (a district's dispatcher): dispatch then refuses a case outside
 * them itself. Undefined when a grant holds otherwise (everywhere, or over
 * a grid worker's own cases), and the gateway's check alone decides.
 */
export const readingAreasOf = (principal: Principal): string[] | undefined =>
  principal.grants.length > 0 && principal.grants.every((grant) => DESK_ROLES.includes(grant.role) && grant.role !== 'platform-admin' && grant.areaCode)
    ? principal.grants.map((grant) => grant.areaCode!)
    : undefined;

/**
 * How the principal may act on a case it has read (`c`, with its area path),
 * for `action` (or `read`), or FORBIDDEN saying why not.
 */
export function actingOnCase(principal: Principal, c: Pick<Case, 'number' | 'areaPath' | 'owner'>, action: string | 'read'): Acting {
  for (const grant of principal.grants) {
    if (DESK_ROLES.includes(grant.role) && (action === 'read' || ACTIONS_OF.desk.includes(action)) && deskCovers(grant, c.areaPath)) return operatorOf(principal, grant);
    if (grant.role === 'grid-worker' && (action === 'read' || ACTIONS_OF['grid-worker'].includes(action))) {
      const theirs = c.owner?.workerId === grant.workerId || (grant.areaCode !== undefined && c.areaPath.includes(grant.areaCode));
      if (theirs) return workerOf(principal, grant);
    }
  }
  throw forbidden(`${principal.username} may not ${action === 'read' ? 'read' : action} case ${c.number}: ${whyNot(principal)}`);
}

/** Department staff act through their department; the first such grant is used (an account is staff of one department). */
export const departmentGrantOf = (principal: Principal): Grant | undefined => principal.grants.find((grant) => grant.role === 'department-staff');

/** How the principal reports a new case: at the desk, as a grid worker on patrol, or as its department. */
export function actingToReport(principal: Principal): Acting {
  const desk = principal.grants.find((grant) => DESK_ROLES.includes(grant.role));
  if (desk) return operatorOf(principal, desk);
  const department = departmentGrantOf(principal);
  if (department) return { as: 'department', department: department.department!, grant: department };
  const worker = principal.grants.find((grant) => grant.role === 'grid-worker');
  if (worker) return workerOf(principal, worker);
  throw forbidden(`${principal.username} may not report cases here: ${whyNot(principal)}`);
}

const whyNot = (principal: Principal): string =>
  principal.grants.length === 0
    ? 'the account has no grants'
    : `its grants are ${principal.grants.map((grant) => [grant.role, grant.areaCode ?? grant.department ?? grant.workerId].filter(Boolean).join(' ')).join(', ')}`;

/** The gateway sets who acts from the sign-in; a body that names an actor is refused rather than silently overwritten. */
export function refuseActor(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw GridworkError.validation([{ field: '$', messages: ['body must be a JSON object'] }]);
  if ('actor' in body) throw new GridworkError(ErrorCode.VALIDATION_FAILED, 'invalid fields: actor', [{ field: 'actor', messages: ['actor is set by the gateway from your sign-in: leave it out'] }]);
  return body as Record<string, unknown>;
}

/**
 * A supervision order (督办) is issued by a level: a desk issues it only as
 * its own area (dispatch checks that area is the case's at that level, above
 * its owner); only a platform admin issues as another area, or as the platform.
 */
export function checkIssuer(principal: Principal, acting: Acting, body: Record<string, unknown>): void {
  if (acting.grant.role === 'platform-admin') return;
  const issuer = body.issuer as { areaCode?: unknown } | undefined;
  if (issuer && typeof issuer === 'object' && issuer.areaCode !== acting.grant.areaCode) {
    throw forbidden(`${principal.username} issues supervision orders as ${acting.grant.areaCode} only, not as ${String(issuer.areaCode ?? 'the platform')}`);
  }
}
