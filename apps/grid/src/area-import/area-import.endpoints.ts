import { Injectable } from '@nestjs/common';
import { ErrorCode, GridworkError, subjects, type ImportAreasRequest } from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { pgErrorOf } from '@gridwork/persistence';
import { AreaImportService } from './area-import.service.js';

@Injectable()
export class AreaImportEndpoints {
  constructor(private readonly imports: AreaImportService) {}

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
