import { Body, Controller, Get, Headers, Inject, Param, Post, Query, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { CaseDetail, CasePage, ErrorCode, GridworkError, ListCasesRequest, ReportCaseReply, ReportCaseRequest, subjects, type Case, type EndpointDefinition } from '@gridwork/contracts';
import { GridworkClient } from '@gridwork/client';
import { NATS_CONNECTION } from '@gridwork/messaging';
import { Audited } from '../audit/audited.interceptor.js';
import { Acting as ActingPrincipal, SignedIn } from '../auth/auth.guard.js';
import type { Principal } from '../auth/grants.js';
import { forbidden } from '../http/errors.js';
import { matches } from '../http/etag.interceptor.js';
import { uuidParam } from '../http/params.js';
import { Operation } from '../api-docs/operation.js';
import { ACTIONS_OF, DESK_ROLES, actingOnCase, actingToReport, checkIssuer, departmentGrantOf, readingAreasOf, refuseActor, type Acting } from './case-access.js';
import { listQueryOf } from './list-query.js';

/** The case commands by their name in the URL (`hand-back`, `blow-whistle`): the last token of their subject. */
const COMMANDS = new Map(
  Object.values(subjects.dispatch.case)
    .filter((definition): definition is EndpointDefinition<object, Case> => definition.kind === 'endpoint')
    .map((endpoint) => [endpoint.subject.split('.').at(-1)!, endpoint]),
);
const ALL_ACTIONS = new Set(Object.values(ACTIONS_OF).flat());

/** Each action's roles, in words, for the document. */
const whoMay = (action: string): string =>
  [ACTIONS_OF.desk.includes(action) && 'the desk', ACTIONS_OF['department-staff'].includes(action) && "department staff (their department's cases)", ACTIONS_OF['grid-worker'].includes(action) && "grid workers (their grid's cases)"]
    .filter(Boolean)
    .join(', ');

/** The document's view of each action: the command's request, less what the path (caseId) and the sign-in (actor) give. */
const ACTION_DOCS = Object.fromEntries(
  [...ALL_ACTIONS].map((action) => {
    const endpoint = COMMANDS.get(action)!;
    return [action, { summary: `${endpoint.summary} Who: ${whoMay(action)}.`, body: endpoint.request, reply: endpoint.reply, without: ['caseId', 'actor'] }];
  }),
);

const DESK = 'platform admins anywhere; dispatchers and area admins inside their area';

interface Reply {
  status(code: number): Reply;
  setHeader(name: string, value: string): void;
  end(): void;
}

/**
 * `/dispatch/cases`: the dispatch hub for people. Each route checks who may
 * act, then forwards over NATS as the platform with the actor from the
 * sign-in, or as the person's department on its own subjects.
 */
@Controller('dispatch/cases')
@UseGuards(SignedIn)
@UseInterceptors(Audited)
export class CasesController {
  private readonly platform: GridworkClient;
  private readonly departments = new Map<string, GridworkClient>();

  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {
    this.platform = new GridworkClient(nc, { timeoutMs: 10_000 });
  }

  @Post()
  @Operation({
    summary: 'Reports a case. Department staff report as their department; a grid worker as the reporter on patrol.',
    who: `${DESK}; department staff; grid workers`,
    body: ReportCaseRequest,
    reply: ReportCaseReply,
    errors: ['FORBIDDEN', 'NOT_FOUND', 'NOT_ADMITTED', 'TOO_LARGE'],
  })
  async report(@ActingPrincipal() principal: Principal, @Body() body: unknown): Promise<ReportCaseReply> {
    const request = refuseActor(body);
    const acting = actingToReport(principal);
    if (acting.as === 'department') return this.department(acting.department).request(subjects.dispatch.case.report, request as never);
    // A grid worker reports from patrol as themselves.
    const reporter = acting.as === 'worker' ? { ...(request.reporter as object | undefined), workerId: acting.actor.id } : request.reporter;
    return this.platform.request(subjects.dispatch.case.report, { ...request, ...(reporter ? { reporter } : {}) } as never);
  }

  @Get()
  @Operation({
    summary: "Lists cases, newest first, paged. The desk's list is its area unless it asks for an area inside it; a grid worker's, their own cases; department staff's, their department's.",
    who: `${DESK}; department staff; grid workers`,
    query: ListCasesRequest,
    reply: CasePage,
    errors: ['FORBIDDEN'],
  })
  async list(@ActingPrincipal() principal: Principal, @Query() query: Record<string, unknown>): Promise<CasePage> {
    const request = listQueryOf(query);
    const department = departmentGrantOf(principal);
    const desk = await this.deskGrantFor(principal, request.areaCode);
    if (desk) {
      const within = desk.role === 'platform-admin' ? {} : { withinAreas: [desk.areaCode!] };
      return this.platform.request(subjects.dispatch.case.list, { ...request, ...(desk.areaCode && !request.areaCode ? { areaCode: desk.areaCode } : {}), ...within });
    }
    const worker = principal.grants.find((grant) => grant.role === 'grid-worker');
    if (worker) {
      if (request.ownerWorkerId !== undefined && request.ownerWorkerId !== worker.workerId) throw forbidden(`a grid worker lists only their own cases (ownerWorkerId ${worker.workerId})`);
      return this.platform.request(subjects.dispatch.case.list, { ...request, ownerWorkerId: worker.workerId });
    }
    if (department) return this.department(department.department!).request(subjects.dispatch.case.list, request);
    throw forbidden(`${principal.username} may not list cases${request.areaCode ? ` in ${request.areaCode}` : ''}`);
  }

  /** One case with its timeline. Its ETag changes with its version, so a client polling with If-None-Match gets 304 until it changes. */
  @Get(':idOrNumber')
  @Operation({
    summary: 'One case with its timeline, by id or number. Its ETag changes with the case: with If-None-Match it answers 304 until then.',
    who: `${DESK} (cases in the area); department staff (cases their department owns or owned, reported, or was whistled to); grid workers (their grid's cases)`,
    reply: CaseDetail,
    errors: ['FORBIDDEN', 'NOT_FOUND'],
  })
  async get(
    @ActingPrincipal() principal: Principal,
    @Param('idOrNumber') idOrNumber: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<CaseDetail | undefined> {
    const c = await this.read(principal, idOrNumber);
    const etag = `"${c.id}.${c.version}"`;
    reply.setHeader('ETag', etag);
    if (matches(ifNoneMatch, etag)) {
      reply.status(304);
      return undefined;
    }
    return c;
  }

  @Post(':caseId/:action')
  @Operation({ summary: 'Acts on a case.', errors: ['FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'NOT_ADMITTED'], commands: { parameter: 'action', each: ACTION_DOCS } })
  async act(@ActingPrincipal() principal: Principal, @Param('caseId') caseId: string, @Param('action') action: string, @Body() body: unknown): Promise<unknown> {
    uuidParam(caseId, 'caseId');
    const endpoint = COMMANDS.get(action);
    if (!endpoint || !ALL_ACTIONS.has(action)) throw GridworkError.notFound(`case action ${action} (one of ${[...ALL_ACTIONS].join(', ')})`);
    const request = { ...refuseActor(body), caseId };
    const acting = await this.actingOn(principal, caseId, action);
    if (action === 'supervise') checkIssuer(principal, acting, request);
    if (acting.as === 'department') return this.department(acting.department).request(endpoint, request as never);
    return this.platform.request(endpoint, { ...request, actor: acting.actor } as never);
  }

  /** Reads a case as whoever may: the desk or grid worker through the platform, else the department through its own subjects. */
  private async read(principal: Principal, idOrNumber: string): Promise<CaseDetail> {
    const department = departmentGrantOf(principal);
    const others = principal.grants.some((grant) => grant !== department);
    if (!others && department) return this.department(department.department!).request(subjects.dispatch.case.get, { idOrNumber });
    const within = readingAreasOf(principal);
    const c = await this.platform.request(subjects.dispatch.case.get, { idOrNumber, ...(within ? { withinAreas: within } : {}) });
    try {
      actingOnCase(principal, c, 'read');
      return c;
    } catch (refusal) {
      if (department) return this.department(department.department!).request(subjects.dispatch.case.get, { idOrNumber });
      throw refusal;
    }
  }

  private async actingOn(principal: Principal, caseId: string, action: string): Promise<Acting> {
    const department = departmentGrantOf(principal);
    const departmentMay = department !== undefined && ACTIONS_OF['department-staff'].includes(action);
    if (principal.grants.every((grant) => grant === department)) {
      if (departmentMay) return { as: 'department', department: department!.department!, grant: department! };
      throw forbidden(`department staff may ${ACTIONS_OF['department-staff'].join(', ')} their department's cases, not ${action}`);
    }
    const c = await this.platform.request(subjects.dispatch.case.get, { idOrNumber: caseId });
    try {
      return actingOnCase(principal, c, action);
    } catch (refusal) {
      if (departmentMay) return { as: 'department', department: department!.department!, grant: department! };
      throw refusal;
    }
  }

  /** A desk grant whose area holds `areaCode` (asked of the grid service), or the first desk grant when no area is asked. */
  private async deskGrantFor(principal: Principal, areaCode: string | undefined) {
    const desks = principal.grants.filter((grant) => DESK_ROLES.includes(grant.role));
    if (desks.length === 0) return undefined;
    const admin = desks.find((grant) => grant.role === 'platform-admin');
    if (admin) return admin;
    if (!areaCode) return desks[0];
    const area = await this.platform.request(subjects.grid.area.get, { code: areaCode }).catch((error: unknown) => {
      if (error instanceof GridworkError && error.code === ErrorCode.NOT_FOUND) throw GridworkError.validation([{ field: 'areaCode', messages: [`area ${areaCode} is not known`] }]);
      throw error;
    });
    const desk = desks.find((grant) => area.path.includes(grant.areaCode!));
    if (!desk) throw forbidden(`${principal.username} may not list cases in ${areaCode}: it is outside ${desks.map((grant) => grant.areaCode).join(', ')}`);
    return desk;
  }

  private department(code: string): GridworkClient {
    let client = this.departments.get(code);
    if (!client) this.departments.set(code, (client = new GridworkClient(this.nc, { department: code, timeoutMs: 10_000 })));
    return client;
  }
}
