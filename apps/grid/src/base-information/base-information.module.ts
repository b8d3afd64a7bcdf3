import { Module } from '@nestjs/common';
import { BaseInformationEndpoints } from './base-information.endpoints.js';
import { BaseInformationService } from './base-information.service.js';

/** Base information (人、地、事、物、组织) kept per grid by its workers. */
@Module({ providers: [BaseInformationService, BaseInformationEndpoints] })
export class BaseInformationModule {}
