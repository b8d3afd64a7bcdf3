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

  @Endpoint(subjects.grid.baseRecord.types)
  types(request: ListBaseRecordTypesRequest) {
    return this.records.types(request);
  }

  @Endpoint(subjects.grid.baseRecord.register)
  register(request: RegisterBaseRecordRequest) {
    return this.records.register(request);
  }

  @Endpoint(subjects.grid.baseRecord.update)
  update(request: UpdateBaseRecordRequest) {
    return this.records.update(request);
  }

  @Endpoint(subjects.grid.baseRecord.archive)
  archive(request: ArchiveBaseRecordRequest) {
    return this.records.archive(request);
  }

  @Endpoint(subjects.grid.baseRecord.get)
  get(request: GetBaseRecordRequest, ctx: RequestContext) {
    return this.records.get(request, ctx.department);
  }

  @Endpoint(subjects.grid.baseRecord.list)
  list(request: ListBaseRecordsRequest) {
    return this.records.list(request);
  }

  @Endpoint(subjects.grid.baseRecord.count)
  count(request: CountBaseRecordsRequest) {
    return this.records.count(request);
  }
}
