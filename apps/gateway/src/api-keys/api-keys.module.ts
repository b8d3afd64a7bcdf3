import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { CreateApiKeys1765100000500 } from './1765100000500-create-api-keys.js';
import { ApiKeysService } from './api-keys.service.js';

/** Outside apps' keys (`api_key`). */
@Module({ providers: [ApiKeysService], exports: [ApiKeysService] })
export class ApiKeysModule {}

export const apiKeysFeature: Feature = { module: ApiKeysModule, migrations: [CreateApiKeys1765100000500] };
