import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { CreateCategoryTables1764000000200 } from './1764000000200-create-category-tables.js';
import { AddCategoryAttributes1764000000920 } from './1764000000920-add-category-attributes.js';
import { CategoryEndpoints } from './categories.endpoints.js';
import { CategoriesService } from './categories.service.js';

/** Categories with their time limits and who is responsible for them. */
@Module({ providers: [CategoriesService, CategoryEndpoints], exports: [CategoriesService] })
export class CategoriesModule {}

/** Its migration also made the working calendar's tables, which the calendar feature owns (see calendar.module.ts). */
export const categoriesFeature: Feature = { module: CategoriesModule, migrations: [CreateCategoryTables1764000000200, AddCategoryAttributes1764000000920] };
