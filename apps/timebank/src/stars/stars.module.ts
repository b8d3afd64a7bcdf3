import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { CreateStarTables1766000000600 } from './1766000000600-create-star-tables.js';
import { StarEndpoints } from './stars.endpoints.js';
import { StarsService } from './stars.service.js';

/** Star-rated volunteers (星级志愿者): the scale, each volunteer's lifetime minutes and star, and the courtesy benefits. */
@Module({ providers: [StarsService, StarEndpoints], exports: [StarsService] })
export class StarsModule {}

export const starsFeature: Feature = { module: StarsModule, migrations: [CreateStarTables1766000000600] };
