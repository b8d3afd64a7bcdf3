import { Injectable } from '@nestjs/common';
import { subjects, type MergeOrganizationRequest } from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { MergesService } from './merges.service.js';

@Injectable()
export class MergeEndpoints {
  constructor(private readonly merges: MergesService) {}

  @Endpoint(subjects.org.organization.merge)
  merge(request: MergeOrganizationRequest) {
    return this.merges.merge(request);
  }
}
