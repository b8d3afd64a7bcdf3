import { operationsOf, subjects } from '@gridwork/contracts';
import type { ForwardedRoute } from '../forwarding/forwarded-route.js';
import type { Role } from '../auth/grants.js';
import { OPERATORS, PLATFORM_ADMIN_ONLY, STAFF } from '../forwarding/roles.js';

const tb = subjects.timebank;
const ops = operationsOf('timebank');

/** A community's volunteer office, inside its area: volunteers, activities, the shop and the ledger's movements. */
const ORGANIZER: readonly Role[] = ['organizer'];
/** What volunteers and residents may read too: activities, the shop, brands and teams, stars and leaderboards. */
const EVERYONE: readonly Role[] = [...STAFF, 'volunteer', 'resident'];

/**
 * The timebank service over HTTP (`/timebank/...`). Organizers (a
 * community's volunteer office) register volunteers, run activities and
 * verify hours, keep the points shop and move hours and points, inside their
 * area; everyone signed in reads activities, the shop, teams, stars and
 * leaderboards, and those served rate the service. Every write carries its
 * own command `id` (repeating it answers the first result), and the timebank
 * service keeps the person's scope itself: the actor's `areas` (and
 * `withinAreas` of reads) are the areas of the grants the person acts by.
 */
export const TIMEBANK_ROUTES: readonly ForwardedRoute[] = [
  // The ledger: accounts and transfers
  { method: 'POST', path: 'accounts', endpoint: tb.account.open, roles: ORGANIZER, scope: { field: 'areaCode' } },
  { method: 'GET', path: 'accounts', endpoint: tb.account.list, roles: ORGANIZER },
  { method: 'GET', path: 'accounts/:id', endpoint: tb.account.get, roles: ORGANIZER },
  { method: 'GET', path: 'accounts/:accountId/transfers', endpoint: tb.transfer.list, roles: ORGANIZER },
  { method: 'POST', path: 'transfers', endpoint: tb.transfer.create, roles: ORGANIZER },
  { method: 'GET', path: 'transfers/:id', endpoint: tb.transfer.get, roles: ORGANIZER },
  { method: 'POST', path: 'transfers/:pendingId/post', endpoint: tb.transfer.post, roles: ORGANIZER, status: 200 },
  { method: 'POST', path: 'transfers/:pendingId/void', endpoint: tb.transfer.void, roles: ORGANIZER, status: 200 },
  { method: 'POST', path: 'transfers/:transferId/correct', endpoint: tb.transfer.correct, roles: ORGANIZER },
  // Volunteers, brands and teams
  { method: 'POST', path: 'volunteers', endpoint: tb.volunteer.register, roles: ORGANIZER, scope: { field: 'homeCommunityCode' } },
  { method: 'GET', path: 'volunteers', endpoint: tb.volunteer.list, roles: ORGANIZER },
  { method: 'GET', path: 'volunteers/:id', endpoint: tb.volunteer.get, roles: ORGANIZER },
  { method: 'GET', path: 'volunteers/:volunteerId/star', endpoint: tb.star.get, roles: EVERYONE },
  { method: 'POST', path: 'brands', endpoint: tb.brand.define, roles: ORGANIZER, scope: { field: 'areaCode' }, status: 200 },
  { method: 'GET', path: 'brands/:id', endpoint: tb.brand.get, roles: EVERYONE },
  { method: 'POST', path: 'teams', endpoint: tb.team.define, roles: ORGANIZER, scope: { field: 'communityCode' }, status: 200 },
  { method: 'GET', path: 'teams/:id', endpoint: tb.team.get, roles: EVERYONE },
  { method: 'POST', path: 'teams/:teamId/members', endpoint: tb.team.join, roles: ORGANIZER, status: 200 },
  { method: 'POST', path: 'teams/:teamId/members/leave', endpoint: tb.team.leave, roles: ORGANIZER, status: 200 },
  // Activities and verified hours
  { method: 'POST', path: 'activities', endpoint: tb.activity.post, roles: ORGANIZER, scope: { field: 'communityCode' } },
  { method: 'GET', path: 'activities/:id', endpoint: tb.activity.get, roles: EVERYONE },
  { method: 'POST', path: 'activities/:activityId/sign-up', endpoint: tb.activity.signUp, roles: ORGANIZER, status: 200 },
  { method: 'POST', path: 'activities/:activityId/cancel-sign-up', endpoint: tb.activity.cancelSignUp, roles: ORGANIZER, status: 200 },
  { method: 'POST', path: 'activities/:activityId/check-in', endpoint: tb.activity.checkIn, roles: ORGANIZER, status: 200 },
  { method: 'POST', path: 'activities/:activityId/check-out', endpoint: tb.activity.checkOut, roles: ORGANIZER, status: 200 },
  { method: 'POST', path: 'activities/:activityId/verify-hours', endpoint: tb.activity.verifyHours, roles: ORGANIZER, status: 200 },
  { method: 'POST', path: 'activities/:activityId/no-show', endpoint: tb.activity.noShow, roles: ORGANIZER, status: 200 },
  // Spending hours: services between volunteers, gifts to family, moves between banks
  { method: 'POST', path: 'exchanges', endpoint: tb.exchange.request, roles: ORGANIZER },
  { method: 'GET', path: 'exchanges/:id', endpoint: tb.exchange.get, roles: ORGANIZER },
  { method: 'POST', path: 'exchanges/:exchangeId/offer', endpoint: tb.exchange.offer, roles: ORGANIZER, status: 200 },
  { method: 'POST', path: 'exchanges/:exchangeId/complete', endpoint: tb.exchange.complete, roles: ORGANIZER, status: 200 },
  { method: 'POST', path: 'exchanges/:exchangeId/cancel', endpoint: tb.exchange.cancel, roles: ORGANIZER, status: 200 },
  { method: 'POST', path: 'hours/gifts', endpoint: tb.hours.give, roles: ORGANIZER },
  { method: 'POST', path: 'hours/moves', endpoint: tb.hours.moveBetweenBanks, roles: ORGANIZER, scope: { field: 'fromCommunityCode' } },
  { method: 'POST', path: 'evaluations', endpoint: tb.evaluation.submit, roles: ['organizer', 'volunteer', 'resident'] },
  // Points: earning rules, good deeds, the shop
  { method: 'POST', path: 'earning-rules', endpoint: tb.earningRule.define, roles: ORGANIZER, scope: { field: 'areaCode' }, status: 200 },
  { method: 'GET', path: 'earning-rules', endpoint: tb.earningRule.list, roles: STAFF },
  { method: 'POST', path: 'points/deeds', endpoint: tb.points.awardDeed, roles: ORGANIZER, scope: { field: 'areaCode' } },
  { method: 'POST', path: 'rewards', endpoint: tb.reward.define, roles: ORGANIZER, scope: { field: 'communityCode' }, status: 200 },
  { method: 'GET', path: 'rewards', endpoint: tb.reward.list, roles: EVERYONE },
  { method: 'GET', path: 'rewards/:id', endpoint: tb.reward.get, roles: EVERYONE },
  { method: 'POST', path: 'redemptions', endpoint: tb.redemption.redeem, roles: ORGANIZER },
  { method: 'GET', path: 'redemptions', endpoint: tb.redemption.list, roles: ORGANIZER },
  { method: 'GET', path: 'redemptions/:id', endpoint: tb.redemption.get, roles: ORGANIZER },
  { method: 'POST', path: 'redemptions/:redemptionId/pick-up', endpoint: tb.redemption.pickUp, roles: ORGANIZER, status: 200 },
  { method: 'POST', path: 'redemptions/:redemptionId/cancel', endpoint: tb.redemption.cancel, roles: ORGANIZER, status: 200 },
  // Stars (星级志愿者) and reports
  { method: 'GET', path: 'stars/levels', endpoint: tb.star.levels, roles: EVERYONE },
  { method: 'POST', path: 'stars/levels', endpoint: tb.star.setLevels, roles: PLATFORM_ADMIN_ONLY, status: 200 },
  { method: 'GET', path: 'reports/hours', endpoint: tb.report.hours, roles: STAFF },
  { method: 'GET', path: 'reports/leaderboard', endpoint: tb.report.leaderboard, roles: EVERYONE },
  // Operators
  { method: 'GET', path: 'dead-letters', endpoint: ops.deadLetter.list, roles: OPERATORS },
  { method: 'POST', path: 'dead-letters/:sequence/replay', endpoint: ops.deadLetter.replay, roles: OPERATORS, status: 200 },
];
