import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { DocsController } from './docs.controller.js';

/** `/docs`: the OpenAPI document and Swagger UI. */
@Module({ controllers: [DocsController] })
export class ApiDocsModule {}

export const apiDocsFeature: Feature = { module: ApiDocsModule };
