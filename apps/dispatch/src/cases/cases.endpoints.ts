import { Injectable } from '@nestjs/common';
import {
  subjects,
  type AcceptCaseRequest,
  type AssignCaseRequest,
  type CallbackCaseRequest,
  type ClaimCaseRequest,
  type CloseCaseRequest,
  type GetCaseRequest,
  type HandBackCaseRequest,
  type ListCasesRequest,
  type ListTimelineRequest,
  type MergeCaseRequest,
  type RejectCaseRequest,
  type ReportCaseRequest,
  type ResolveCaseRequest,
} from '@gridwork/contracts';
import { Endpoint, type RequestContext } from '@gridwork/messaging';
import { CaseCommandsService } from './case-commands.service.js';
import { CaseQueriesService } from './case-queries.service.js';
import { IntakeService } from './intake.service.js';

@Injectable()
export class CaseEndpoints {
  constructor(
    private readonly intake: IntakeService,
    private readonly commands: CaseCommandsService,
    private readonly queries: CaseQueriesService,
  ) {}

  @Endpoint(subjects.dispatch.case.report)
  report(request: ReportCaseRequest, { department }: RequestContext) {
    return this.intake.report(request, department);
  }

  @Endpoint(subjects.dispatch.case.get)
  get(request: GetCaseRequest, { department }: RequestContext) {
    return this.queries.get(request, department);
  }

  @Endpoint(subjects.dispatch.case.list)
  list(request: ListCasesRequest, { department }: RequestContext) {
    return this.queries.list(request, department);
  }

  @Endpoint(subjects.dispatch.case.timeline)
  timeline(request: ListTimelineRequest) {
    return this.queries.timeline(request);
  }

  @Endpoint(subjects.dispatch.case.accept)
  accept(request: AcceptCaseRequest) {
    return this.commands.accept(request);
  }

  @Endpoint(subjects.dispatch.case.assign)
  assign(request: AssignCaseRequest) {
    return this.commands.assign(request);
  }

  @Endpoint(subjects.dispatch.case.claim)
  claim(request: ClaimCaseRequest, { department }: RequestContext) {
    return this.commands.claim(request, department);
  }

  @Endpoint(subjects.dispatch.case.resolve)
  resolve(request: ResolveCaseRequest, { department }: RequestContext) {
    return this.commands.resolve(request, department);
  }

  @Endpoint(subjects.dispatch.case.handBack)
  handBack(request: HandBackCaseRequest, { department }: RequestContext) {
    return this.commands.handBack(request, department);
  }

  @Endpoint(subjects.dispatch.case.reject)
  reject(request: RejectCaseRequest) {
    return this.commands.reject(request);
  }

  @Endpoint(subjects.dispatch.case.merge)
  merge(request: MergeCaseRequest) {
    return this.commands.merge(request);
  }

  @Endpoint(subjects.dispatch.case.callback)
  callback(request: CallbackCaseRequest) {
    return this.commands.callback(request);
  }

  @Endpoint(subjects.dispatch.case.close)
  close(request: CloseCaseRequest) {
    return this.commands.close(request);
  }
}
