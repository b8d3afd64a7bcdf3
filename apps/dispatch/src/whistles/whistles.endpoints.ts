import { Injectable } from '@nestjs/common';
import { subjects, type BlowWhistleRequest, type ListWhistlesRequest, type ReportInRequest } from '@gridwork/contracts';
import { Endpoint, type RequestContext } from '@gridwork/messaging';
import { WhistlesService } from './whistles.service.js';

@Injectable()
export class WhistleEndpoints {
  constructor(private readonly whistles: WhistlesService) {}

  @Endpoint(subjects.dispatch.case.blowWhistle)
  blow(request: BlowWhistleRequest) {
    return this.whistles.blow(request);
  }

  /** The department is the one the subject names (`gov.ext.<department>.…`), never a field of the request. */
  @Endpoint(subjects.dispatch.case.reportIn)
  reportIn(request: ReportInRequest, { department }: RequestContext) {
    return this.whistles.reportIn(request, department);
  }

  @Endpoint(subjects.dispatch.whistle.list)
  list(request: ListWhistlesRequest, { department }: RequestContext) {
    return this.whistles.list(request, department);
  }
}
