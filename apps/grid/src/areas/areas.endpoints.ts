import { Injectable } from '@nestjs/common';
import {
  ErrorCode,
  GridworkError,
  subjects,
  type CreateAreaRequest,
  type GetAreaRequest,
  type ImportAreasRequest,
  type ListAreaChildrenRequest,
  type LocatePointRequest,
  type UpdateAreaRequest,
} from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { pgErrorOf } from '@gridwork/persistence';
import { AreaImportService } from './area-import.service.js';
import { AreasService } from './areas.service.js';

@Injectable()
export class AreaEndpoints {
  constructor(
    private readonly areas: AreasService,
    private readonly imports: AreaImportService,
  ) {}

  @Endpoint(subjects.grid.area.create)
  create(request: CreateAreaRequest) {
    return this.areas.create(request);
  }

  @Endpoint(subjects.grid.area.update)
  update(request: UpdateAreaRequest) {
    return this.areas.update(request);
  }

  @Endpoint(subjects.grid.area.get)
  get(request: GetAreaRequest) {
    return this.areas.get(request);
  }

  @Endpoint(subjects.grid.area.children)
  children(request: ListAreaChildrenRequest) {
    return this.areas.children(request);
  }

  @Endpoint(subjects.grid.area.locate)
  locate(request: LocatePointRequest) {
    return this.areas.locate(request);
  }

  @Endpoint(subjects.grid.area.import)
  async import(request: ImportAreasRequest) {
    try {
      return await this.imports.import(request);
    } catch (error) {
      // Two imports racing for the same codes: the later one stored nothing and can be run again.
      if (pgErrorOf(error).code === '23505') {
        throw new GridworkError(ErrorCode.CONFLICT, `another change stored some of these codes meanwhile; nothing was imported: ${(error as Error).message}`);
      }
      throw error;
    }
  }
}
