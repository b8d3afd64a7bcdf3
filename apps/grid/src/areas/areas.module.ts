import { Module } from '@nestjs/common';
import { AreaImportService } from './area-import.service.js';
import { AreaEndpoints } from './areas.endpoints.js';
import { AreasService } from './areas.service.js';

@Module({ providers: [AreasService, AreaImportService, AreaEndpoints] })
export class AreasModule {}
