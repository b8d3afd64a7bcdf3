import { Injectable } from '@nestjs/common';
import {
  subjects,
  type ArchiveBaseRecordRequest,
  type CountBaseRecordsRequest,
  type GetBaseRecordRequest,
  type ListBaseRecordTypesRequest,
  type ListBaseRecordsRequest,
  type RegisterBaseRecordRequest,
  type UpdateBaseRecordRequest,
} from '@gridwork/contracts';
import { Endpoint, type RequestContext } from '@gridwork/messaging';
import { BaseInformationService } from './base-information.service.js';

@Injectable()
export class BaseInformationEndpoints {
  constructor(private readonly records: BaseInformationService) {}

  @Endpoint(subjects.grid.baseInformation.types)
  types(request: ListBaseRecordTypesRequest) {
    return this.records.types(request);
  }

  @Endpoint(subjects.grid.baseInformation.register)
  register(request: RegisterBaseRecordRequest) {
    return this.records.register(request);
  }

  @Endpoint(subjects.grid.baseInformation.update)
  update(request: UpdateBaseRecordRequest) {
    return this.records.update(request);
  }

  @Endpoint(subjects.grid.baseInformation.archive)
  archive(request: ArchiveBaseRecordRequest) {
    return this.records.archive(request);
  }

  @Endpoint(subjects.grid.baseInformation.get)
  get(request: GetBaseRecordRequest, ctx: RequestContext) {
    return this.records.get(request, ctx.department);
  }

  @Endpoint(subjects.grid.baseInformation.list)
  list(request: ListBaseRecordsRequest) {
    return this.records.list(request);
  }

  @Endpoint(subjects.grid.baseInformation.count)
  count(request: CountBaseRecordsRequest) {
    return this.records.count(request);
  }
}
