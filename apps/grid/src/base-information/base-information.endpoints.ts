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
import { CallerAreas } from '../caller-areas/caller-areas.js';

@Injectable()
export class BaseInformationEndpoints {
  constructor(
    private readonly records: BaseInformationService,
    private readonly callerAreas: CallerAreas,
  ) {}

  @Endpoint(subjects.grid.baseRecord.types)
  types(request: ListBaseRecordTypesRequest) {
    return this.records.types(request);
  }

  @Endpoint(subjects.grid.baseRecord.register)
  async register({ withinAreas, ...request }: RegisterBaseRecordRequest) {
    await this.callerAreas.area(withinAreas, request.gridCode, 'grid');
    return this.records.register(request);
  }

  @Endpoint(subjects.grid.baseRecord.update)
  async update({ withinAreas, ...request }: UpdateBaseRecordRequest) {
    await this.callerAreas.baseRecord(withinAreas, request.id);
    return this.records.update(request);
  }

  @Endpoint(subjects.grid.baseRecord.archive)
  async archive({ withinAreas, ...request }: ArchiveBaseRecordRequest) {
    await this.callerAreas.baseRecord(withinAreas, request.id);
    return this.records.archive(request);
  }

  @Endpoint(subjects.grid.baseRecord.get)
  async get({ withinAreas, ...request }: GetBaseRecordRequest, ctx: RequestContext) {
    await this.callerAreas.baseRecord(withinAreas, request.id);
    return this.records.get(request, ctx.department);
  }

  @Endpoint(subjects.grid.baseRecord.list)
  async list({ withinAreas, ...request }: ListBaseRecordsRequest) {
    await this.callerAreas.area(withinAreas, request.gridCode, 'grid');
    return this.records.list(request);
  }

  @Endpoint(subjects.grid.baseRecord.count)
  count(request: CountBaseRecordsRequest) {
    return this.records.count(request);
  }
}
